// `npm run bench:whiteboard`: is a 5,000-element board still interactive? Two browsers draw at
// once on a board pre-filled with N rectangles; each page records its frame intervals
// (requestAnimationFrame) while drawing. The baseline is the same drawing on an empty board, in
// the same run. Not a test: it prints a Markdown table and writes test/artifacts/bench-whiteboard.md.
import fs from 'node:fs';
import path from 'node:path';
import { generateNKeysBetween } from 'fractional-indexing';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { openTwoBrowserRoom, type TwoBrowserRoom } from '../../helpers/browser.ts';
import { REPO_ROOT } from '../../helpers/server.ts';
import { summarize } from '../stats.ts';

const SIZES = (process.env.BENCH_WHITEBOARD_SIZES ?? '0,5000').split(',').map(Number);
const STROKES = Number(process.env.BENCH_WHITEBOARD_STROKES ?? 12);

function rectangle(i: number, index: string) {
  return {
    id: `bench-${i}`, type: 'rectangle', x: (i % 100) * 40, y: Math.floor(i / 100) * 40, width: 30, height: 30, angle: 0,
    version: 1, versionNonce: i, index, isDeleted: false, strokeColor: '#1e1e1e', backgroundColor: 'transparent',
    fillStyle: 'solid', strokeWidth: 1, strokeStyle: 'solid', roughness: 1, opacity: 100, seed: i, groupIds: [],
    frameId: null, boundElements: null, roundness: null, updated: Date.now(), link: null, locked: false,
  };
}

/** Fills the room's board through the real sync server, as a client would. */
async function fill(fixture: TwoBrowserRoom, count: number): Promise<void> {
  if (count === 0) return;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${fixture.server.wsUrl}/yjs`, fixture.room.roomId, doc, {
    params: { token: fixture.room.interviewerToken },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  const keys = generateNKeysBetween(null, null, count);
  doc.transact(() => {
    const board = doc.getMap('whiteboard');
    keys.forEach((key, i) => board.set(`bench-${i}`, rectangle(i, key)));
  });
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the update reach the server
  provider.destroy();
}

async function openBoard(page: Page, count: number) {
  await page.getByRole('button', { name: 'Whiteboard', exact: true }).click();
  await page.locator('.excalidraw canvas.interactive').waitFor();
  const deadline = Date.now() + 120_000;
  while (Number(await page.getByTestId('whiteboard').getAttribute('data-canvas-count')) < count) {
    if (Date.now() > deadline) throw new Error(`the board never showed ${count} elements`);
    await page.waitForTimeout(250);
  }
}

/** Draws rectangles by dragging, as a person would. */
async function draw(page: Page, offset: number) {
  const box = (await page.locator('.excalidraw canvas.interactive').boundingBox())!;
  for (let i = 0; i < STROKES; i += 1) {
    await page.keyboard.press('r');
    const x = box.x + 80 + ((i * 37 + offset) % 300);
    const y = box.y + 120 + ((i * 53 + offset) % 250);
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 60, y + 40, { steps: 10 });
    await page.mouse.up();
  }
}

// Plain script text: tsx would wrap named functions with a helper the page does not have.
const START_FRAMES = `(() => {
  window.__frames = [];
  window.__recording = true;
  let last = performance.now();
  const tick = (now) => {
    window.__frames.push(now - last);
    last = now;
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = '(() => { window.__recording = false; return window.__frames; })()';
const startFrames = (page: Page) => page.evaluate(START_FRAMES);
const stopFrames = (page: Page) => page.evaluate(STOP_FRAMES) as Promise<number[]>;

async function measure(count: number) {
  const fixture = await openTwoBrowserRoom({ title: `Board of ${count}`, names: ['Ann', 'Ben'] });
  try {
    await fill(fixture, count);
    const pages = [fixture.interviewer.page, fixture.candidate.page];
    await Promise.all(pages.map((page) => openBoard(page, count)));
    await Promise.all(pages.map(startFrames));
    const started = performance.now();
    await Promise.all(pages.map((page, i) => draw(page, i * 150)));
    const drawMs = performance.now() - started;
    const frames = (await Promise.all(pages.map(stopFrames))).flat();
    const stats = summarize(frames);
    const slow = frames.filter((ms) => ms > 50).length / frames.length;
    return { count, drawMs, frames: frames.length, stats, slow };
  } finally {
    await fixture.close();
  }
}

const rows = [];
for (const size of SIZES) rows.push(await measure(size));
const base = rows[0]!;
const table = [
  '| elements | frames | p50 ms | p95 ms | p99 ms | max ms | frames > 50 ms | drawing took s | p95 vs empty |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.count} | ${r.frames} | ${r.stats.p50.toFixed(1)} | ${r.stats.p95.toFixed(1)} | ${r.stats.p99.toFixed(1)} | ${r.stats.max.toFixed(1)} | ${(r.slow * 100).toFixed(1)}% | ${(r.drawMs / 1000).toFixed(1)} | ${(r.stats.p95 / base.stats.p95).toFixed(2)}× |`,
  ),
].join('\n');
const report = `# Whiteboard frame times while two people draw\n\nCommand: \`npm run bench:whiteboard\` (headless Chromium, both pages drawing ${STROKES} rectangles at once)\n\n${table}\n`;
console.log(report);
fs.mkdirSync(path.join(REPO_ROOT, 'test/artifacts'), { recursive: true });
fs.writeFileSync(path.join(REPO_ROOT, 'test/artifacts/bench-whiteboard.md'), report);
process.exit(0);
