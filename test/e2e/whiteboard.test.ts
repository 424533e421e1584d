// Two real browsers share the whiteboard: shapes drawn by one appear for the other, pointers
// carry names, the board survives a reload, and nothing is fetched from outside loopback
// (Excalidraw's fonts included).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { joinRoom, newOfflineContext, openTwoBrowserRoom, type OfflineContext, type TwoBrowserRoom } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/server.ts';
import { CHROMIUM, requireProgram } from '../helpers/system.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');

const board = (page: Page) => page.getByTestId('whiteboard');
/** Elements on the board: in the shared document and on Excalidraw's canvas, which must agree. */
const elementCount = async (page: Page) => {
  const [inDoc, onCanvas] = await Promise.all([board(page).getAttribute('data-element-count'), board(page).getAttribute('data-canvas-count')]);
  return inDoc === onCanvas ? Number(inDoc) : `document ${inDoc}, canvas ${onCanvas}`;
};

async function openWhiteboard(page: Page) {
  await page.getByRole('button', { name: 'Whiteboard', exact: true }).click();
  await page.locator('.excalidraw canvas.interactive').waitFor();
  await expect.poll(() => page.getByRole('combobox', { name: 'Insert template' }).isEnabled()).toBe(true);
}

/** Drags on the board, in page coordinates relative to the canvas's top-left corner. */
async function drag(page: Page, from: [number, number], to: [number, number]) {
  const box = await page.locator('.excalidraw canvas.interactive').boundingBox();
  if (!box) throw new Error('the whiteboard canvas has no box');
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 8 });
  await page.mouse.up();
}

describe.skipIf(!requireProgram(CHROMIUM))('two browsers share the whiteboard', () => {
  let fixture: TwoBrowserRoom;
  let browser: Browser;
  let interviewer: OfflineContext;
  let candidate: OfflineContext;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    fixture = await openTwoBrowserRoom({ title: 'Design round', names: ['Alice', 'Bob'] });
    ({ browser, interviewer, candidate } = fixture);
    pageA = fixture.interviewer.page;
    pageB = fixture.candidate.page;
  });

  afterAll(async () => fixture?.close());

  test('each person switches to the whiteboard on their own', async () => {
    await openWhiteboard(pageA);
    expect(await pageB.getByTestId('whiteboard').count()).toBe(0);
    await openWhiteboard(pageB);
    expect(await elementCount(pageA)).toBe(0);
  });

  test('a rectangle and an arrow drawn by one appear for the other', async () => {
    await pageA.locator('.excalidraw canvas.interactive').click({ position: { x: 700, y: 500 } });
    await pageA.keyboard.press('r');
    // Right of the style panel Excalidraw shows while a shape tool is active.
    await drag(pageA, [300, 200], [480, 320]);
    await expect.poll(() => elementCount(pageA)).toBe(1);
    await pageA.keyboard.press('Escape');
    await pageA.keyboard.press('a');
    await drag(pageA, [520, 260], [700, 380]);
    await expect.poll(() => elementCount(pageA)).toBe(2);
    await expect.poll(() => elementCount(pageB)).toBe(2);
    const types = await pageB.evaluate(() => document.querySelector('[data-testid="whiteboard"]')?.getAttribute('data-element-types'));
    expect(types).toBe('arrow,rectangle');
  });

  test("undo is per person: Bob's history holds none of Alice's shapes, Alice's undo and redo reach Bob", async () => {
    expect(await pageB.getByTestId('button-undo').isDisabled()).toBe(true);
    await pageA.keyboard.press('Control+z');
    await expect.poll(() => elementCount(pageB)).toBe(1);
    await pageA.keyboard.press('Control+Shift+z');
    await expect.poll(() => elementCount(pageB)).toBe(2);
    expect(await pageB.getByTestId('button-undo').isDisabled()).toBe(true);
  });

  test("each sees the other's pointer with their name", async () => {
    const box = await pageA.locator('.excalidraw canvas.interactive').boundingBox();
    await pageA.mouse.move(box!.x + 300, box!.y + 420, { steps: 5 });
    await expect.poll(() => board(pageB).getAttribute('data-remote-pointers')).toBe('Alice');
    const boxB = await pageB.locator('.excalidraw canvas.interactive').boundingBox();
    await pageB.mouse.move(boxB!.x + 520, boxB!.y + 120, { steps: 5 });
    await expect.poll(() => board(pageA).getAttribute('data-remote-pointers')).toBe('Bob');
    // Alice's pointer over her shapes, as Bob sees it.
    await pageA.mouse.move(box!.x + 500, box!.y + 300, { steps: 3 });
    await expect.poll(() => board(pageB).getAttribute('data-remote-pointers')).toBe('Alice');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await pageB.screenshot({ path: path.join(ARTIFACTS, 'whiteboard.png') });
  });

  test('a template inserted by one person reaches the other', async () => {
    await pageB.getByRole('combobox', { name: 'Insert template' }).selectOption('frames');
    // The rectangle and the arrow, plus five frames each holding its hint text.
    await expect.poll(() => elementCount(pageB)).toBe(12);
    await expect.poll(() => elementCount(pageA)).toBe(12);
  });

  test('PNG and SVG exports download files', async () => {
    for (const [button, extension] of [['Export PNG', '.png'], ['Export SVG', '.svg']] as const) {
      const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: button }).click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^whiteboard-.+\\${extension}$`));
      const file = await download.path();
      expect(fs.statSync(file).size).toBeGreaterThan(1000);
    }
  });

  test('switching back to code shows the editor again', async () => {
    await pageA.getByRole('button', { name: 'Code', exact: true }).click();
    await pageA.locator('.monaco-editor .view-lines').waitFor();
    expect(await pageA.getByTestId('whiteboard').count()).toBe(0);
    await openWhiteboard(pageA);
    await expect.poll(() => elementCount(pageA)).toBe(12);
  });

  test('nothing was requested from outside loopback; a screenshot of the whole board is saved', async () => {
    await pageA.keyboard.press('Shift+1'); // zoom to fit everything
    await pageA.screenshot({ path: path.join(ARTIFACTS, 'whiteboard-templates.png') });
    expect(interviewer.externalRequests).toEqual([]);
    expect(candidate.externalRequests).toEqual([]);
  });

  test('the board persists with the room: a reload, and a browser with no local copy, show it', async () => {
    await pageB.reload();
    await pageB.locator('[data-status="connected"]').waitFor();
    await openWhiteboard(pageB);
    await expect.poll(() => elementCount(pageB)).toBe(12);
    expect(candidate.externalRequests).toEqual([]);

    const fresh = await newOfflineContext(browser);
    const pageC = await fresh.context.newPage();
    await joinRoom(pageC, pageA.url(), 'Carol');
    await openWhiteboard(pageC);
    await expect.poll(() => elementCount(pageC)).toBe(12);
    expect(await board(pageC).getAttribute('data-element-types')).toBe('arrow,frame,rectangle,text');
    expect(fresh.externalRequests).toEqual([]);
    await fresh.context.close();
  });

  test("the interviewer's report includes the board's drawing", async () => {
    await pageA.getByRole('tab', { name: 'Room' }).click();
    const [download] = await Promise.all([
      // If the download never comes, say what the panel reported instead.
      pageA.waitForEvent('download', { timeout: 20_000 }).catch(async () => {
        throw new Error(`no report download; the panel says: ${(await pageA.getByRole('alert').allInnerTexts()).join(' ')}`);
      }),
      pageA.getByRole('button', { name: /Download report/ }).click(),
    ]);
    const file = path.join(ARTIFACTS, 'whiteboard-report.html');
    await download.saveAs(file);
    const html = fs.readFileSync(file, 'utf8');
    const image = html.match(/<img class="board"[^>]*src="data:image\/svg\+xml;base64,([^"]+)"/);
    expect(image).not.toBeNull();
    const svg = Buffer.from(image![1]!, 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg[\s>]/);
    expect(svg).toContain('<path'); // the drawn shapes, not an empty canvas
    expect(interviewer.externalRequests).toEqual([]);
  });
});
