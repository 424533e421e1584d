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

  test('an image pasted by one person reaches the other through the file API, not the shared document', async () => {
    for (const page of [pageA, pageB]) if ((await board(page).count()) === 0) await openWhiteboard(page);
    await pageA.keyboard.press('Escape');
    const box = await pageA.locator('.excalidraw canvas.interactive').boundingBox();
    await pageA.mouse.move(box!.x + 640, box!.y + 420, { steps: 3 });
    // A 48×48 PNG drawn in the page, pasted the way a browser delivers a copied image.
    await pageA.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 48;
      canvas.height = 48;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#d03030';
      context.fillRect(0, 0, 48, 48);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([blob], 'red.png', { type: 'image/png' }));
      (document.querySelector('.excalidraw-container') as HTMLElement | null)?.focus();
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(async () => (await board(pageA).getAttribute('data-image-files')) ?? '').not.toBe('');
    const fileId = (await board(pageA).getAttribute('data-image-files'))!;
    expect(fileId).toMatch(/^[A-Za-z0-9_-]+$/);
    // Bob's canvas holds the file, fetched from the server.
    await expect.poll(() => board(pageB).getAttribute('data-image-files')).toBe(fileId);
    await expect.poll(async () => ((await board(pageB).getAttribute('data-loaded-files')) ?? '').split(',')).toContain(fileId);
    await expect.poll(() => elementCount(pageB)).toBe(await elementCount(pageA));
    const stored = await fixture.server.app.store.getWhiteboardFile(fixture.room.roomId, fileId);
    expect(stored?.mimeType).toBe('image/png');
    // The shared document names the file and never holds its bytes.
    const log = await fixture.server.app.store.readUpdateLog(fixture.room.roomId);
    const text = log.map((entry) => Buffer.from(entry.update).toString('latin1')).join('');
    expect(text).toContain(fileId);
    expect(text).not.toContain('data:image');
    expect(text).not.toContain('dataURL');
    expect(interviewer.externalRequests).toEqual([]);
    expect(candidate.externalRequests).toEqual([]);
  });

  test("following someone keeps my view on theirs until I move myself", async () => {
    /** The scene point at the centre of a person's view, and their zoom. */
    const centre = async (page: Page) => {
      const [scrollX, scrollY, zoom, width, height] = ((await board(page).getAttribute('data-viewport')) ?? '').split(',').map(Number) as [number, number, number, number, number];
      return { x: Math.round(-scrollX + width / (2 * zoom)), y: Math.round(-scrollY + height / (2 * zoom)), zoom };
    };
    const near = (a: { x: number; y: number; zoom: number }, b: { x: number; y: number; zoom: number }) =>
      Math.abs(a.x - b.x) <= 2 && Math.abs(a.y - b.y) <= 2 && a.zoom === b.zoom ? 'same view' : `${JSON.stringify(a)} vs ${JSON.stringify(b)}`;

    const followB = pageB.getByRole('combobox', { name: 'Follow' });
    await expect.poll(() => followB.isEnabled()).toBe(true);
    await followB.selectOption({ label: 'Follow Alice' });
    expect(await board(pageB).getAttribute('data-following')).toBe('Alice');
    await expect.poll(async () => near(await centre(pageB), await centre(pageA))).toBe('same view');

    const before = await centre(pageA);
    const box = await pageA.locator('.excalidraw canvas.interactive').boundingBox();
    await pageA.mouse.move(box!.x + 600, box!.y + 400);
    await pageA.mouse.wheel(0, 400);
    await expect.poll(async () => (await centre(pageA)).y).not.toBe(before.y);
    await expect.poll(async () => near(await centre(pageB), await centre(pageA))).toBe('same view');
    expect(await board(pageB).getAttribute('data-following')).toBe('Alice');

    // Bob pans on his own: he stops following, and Alice's next move no longer moves him.
    const boxB = await pageB.locator('.excalidraw canvas.interactive').boundingBox();
    await pageB.mouse.move(boxB!.x + 600, boxB!.y + 400);
    await pageB.mouse.wheel(0, -300);
    await expect.poll(() => board(pageB).getAttribute('data-following')).toBe('');
    expect(await followB.inputValue()).toBe('');
  });

  test('an image over the size cap stays with its author, who is told so', async () => {
    const sharedBefore = await board(pageA).getAttribute('data-image-files');
    const box = await pageB.locator('.excalidraw canvas.interactive').boundingBox();
    await pageB.mouse.move(box!.x + 500, box!.y + 300, { steps: 3 });
    // Random pixels do not compress: a 900×900 PNG of noise is about 3 MB.
    await pageB.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 900;
      canvas.height = 900;
      const context = canvas.getContext('2d')!;
      const pixels = context.createImageData(900, 900);
      for (let i = 0; i < pixels.data.length; i += 1) pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
      context.putImageData(pixels, 0, 0);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([blob], 'noise.png', { type: 'image/png' }));
      (document.querySelector('.excalidraw-container') as HTMLElement | null)?.focus();
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    const banner = pageB.locator('.whiteboard-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/at most 2\.0 MB/);
    // Bob's canvas shows it; the shared board and Alice do not.
    await expect.poll(async () => ((await board(pageB).getAttribute('data-loaded-files')) ?? '').split(',').length).toBe(2);
    expect(await board(pageB).getAttribute('data-image-files')).toBe(sharedBefore);
    expect(await board(pageA).getAttribute('data-image-files')).toBe(sharedBefore);
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    expect(await banner.count()).toBe(0);
  });
});
