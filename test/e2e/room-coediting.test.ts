// Two real browsers (interviewer and candidate) co-edit one room: text, named cursors,
// shared language, per-person undo, presence, with every non-loopback request refused.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editorText, joinRoom, launchChromium, newOfflineContext, type OfflineContext } from '../helpers/browser.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { CHROMIUM, requireProgram } from '../helpers/system.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');



async function typeAt(page: Page, where: 'start' | 'end', text: string) {
  await page.locator('.monaco-editor .view-lines').click();
  if (where === 'end') {
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type(text);
  } else {
    await page.keyboard.press('Control+Home');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }
}

const converged = async (pageA: Page, pageB: Page) => {
  const [a, b] = [await editorText(pageA), await editorText(pageB)];
  return a === b ? 'same' : JSON.stringify({ a, b });
};

describe.skipIf(!requireProgram(CHROMIUM))('two browsers co-edit a room', () => {
  let server: TestServer;
  let browser: Browser;
  let interviewer: OfflineContext;
  let candidate: OfflineContext;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('client not built: run "npm run build"');
    server = await startTestServer();
    browser = await launchChromium();
    interviewer = await newOfflineContext(browser);
    candidate = await newOfflineContext(browser);
    pageA = await interviewer.context.newPage();
    pageB = await candidate.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the interviewer creates a room from the home page and gets two links', async () => {
    await pageA.goto(server.httpUrl);
    await pageA.getByLabel('Title').fill('ML coding round');
    await pageA.getByLabel('Language').selectOption('python');
    await pageA.getByRole('button', { name: 'Create room' }).click();
    const interviewerLink = await pageA.getByTestId('interviewer-link').inputValue();
    const candidateLink = await pageA.getByTestId('candidate-link').inputValue();
    expect(interviewerLink).toMatch(/\/r\/[\w-]+#t=[\w-]{32,}$/);
    expect(candidateLink).toMatch(/\/r\/[\w-]+#t=[\w-]{32,}$/);
    expect(candidateLink).not.toBe(interviewerLink);

    await joinRoom(pageA, interviewerLink, 'Alice');
    await joinRoom(pageB, candidateLink, 'Bob');
    await expect.poll(() => pageA.locator('.room-title').textContent()).toBe('ML coding round');
  });

  test('each person sees the other in the presence list with role and colour', async () => {
    for (const page of [pageA, pageB]) {
      const presence = page.getByLabel('People in the room');
      await expect.poll(() => presence.locator('.participant').count()).toBe(2);
      await expect.poll(() => presence.textContent()).toContain('Alice');
      await expect.poll(() => presence.textContent()).toContain('Bob');
    }
    expect(await pageB.locator('.participant[data-role="interviewer"]').textContent()).toContain('Alice');
  });

  test('both type at once in different places and each sees the other text', async () => {
    // A first line both can see, so the two carets are in different places.
    await typeAt(pageA, 'end', '# warm-up');
    await expect.poll(() => editorText(pageB)).toContain('# warm-up');
    await Promise.all([typeAt(pageA, 'start', 'alpha = 1'), typeAt(pageB, 'end', 'beta = 2')]);
    for (const page of [pageA, pageB]) {
      await expect.poll(() => editorText(page)).toContain('alpha = 1');
      await expect.poll(() => editorText(page)).toContain('beta = 2');
    }
    // Converged: both show the same text (polled, the last keystrokes may still be in flight).
    await expect.poll(() => converged(pageA, pageB)).toBe('same');
  });

  test("each sees the other's cursor labelled with their name", async () => {
    await pageA.locator('.monaco-editor .view-lines').click();
    await pageA.keyboard.press('Control+Home');
    await pageB.locator('.monaco-editor .view-lines').click();
    await pageB.keyboard.press('Control+End');
    const label = (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll('.yRemoteSelectionHead')].map((el) => getComputedStyle(el, '::after').content).join('|'),
      );
    await expect.poll(() => label(pageB)).toContain('Alice');
    await expect.poll(() => label(pageA)).toContain('Bob');
  });

  test('changing the language changes it for everyone', async () => {
    await pageA.getByLabel('Language').selectOption('typescript');
    await expect.poll(() => pageB.getByLabel('Language').inputValue()).toBe('typescript');
    await pageA.getByLabel('Language').selectOption('python');
    await expect.poll(() => pageB.getByLabel('Language').inputValue()).toBe('python');
  });

  test("undo removes only my own edits, never the other person's", async () => {
    await typeAt(pageB, 'end', 'gamma = 3');
    await expect.poll(() => editorText(pageA)).toContain('gamma = 3');
    await typeAt(pageA, 'end', 'delta = 4');
    await expect.poll(() => editorText(pageB)).toContain('delta = 4');
    await pageA.keyboard.press('Control+z');
    await expect.poll(() => editorText(pageB)).not.toContain('delta = 4');
    expect(await editorText(pageB)).toContain('gamma = 3');
    expect(await editorText(pageA)).toContain('gamma = 3');
  });

  test('nothing was requested from outside loopback, and a screenshot is saved', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await pageB.screenshot({ path: path.join(ARTIFACTS, 'room-candidate.png') });
    await pageA.screenshot({ path: path.join(ARTIFACTS, 'room-interviewer.png') });
    expect(interviewer.externalRequests).toEqual([]);
    expect(candidate.externalRequests).toEqual([]);
  });
});
