// The server dies (kill -9) and comes back: open browsers reconnect by themselves, edits
// made while it was down are merged, and nothing the other person had seen is lost.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editorText, joinRoom, launchChromium, newOfflineContext, type OfflineContext } from '../helpers/browser.ts';
import { restartablePort } from '../helpers/stable-port.ts';
import { createRoom, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/server.ts';
import { CHROMIUM, requireProgram } from '../helpers/system.ts';

const status = (page: Page) => page.getByTestId('connection-status').getAttribute('data-status');

describe.skipIf(!requireProgram(CHROMIUM))('browsers survive a server crash', () => {
  const dataDir = tempDataDir();
  let port: number;
  let server: ServerProcess;
  let browser: Browser;
  let contexts: OfflineContext[] = [];
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    port = await restartablePort();
    server = await startServerProcess(dataDir, { PORT: String(port) });
    browser = await launchChromium();
    contexts = [await newOfflineContext(browser), await newOfflineContext(browser)];
    const room = await createRoom(server.httpUrl, { title: 'Crash drill' });
    pageA = await contexts[0]!.context.newPage();
    pageB = await contexts[1]!.context.newPage();
    for (const [page, url, name] of [
      [pageA, room.interviewerUrl, 'Ines'],
      [pageB, room.candidateUrl, 'Cleo'],
    ] as const) {
      await page.goto(`${server.httpUrl}${url}`);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join room' }).click();
      await page.locator('[data-status="connected"]').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('kill -9, edit while down, restart: both browsers reconnect and converge', async () => {
    await pageA.locator('.monaco-editor .view-lines').click();
    await pageA.keyboard.type('seen_before_crash = True');
    await expect.poll(() => editorText(pageB)).toContain('seen_before_crash = True');

    await server.kill9();
    await expect.poll(() => status(pageA)).toBe('reconnecting');
    await pageA.keyboard.press('Enter');
    await pageA.keyboard.type('typed_while_down = 1');
    await pageB.locator('.monaco-editor .view-lines').click();
    await pageB.keyboard.press('Control+End');
    await pageB.keyboard.press('Enter');
    await pageB.keyboard.type('candidate_while_down = 2');

    server = await startServerProcess(dataDir, { PORT: String(port) });
    for (const page of [pageA, pageB]) {
      await expect.poll(() => status(page), { timeout: 20_000 }).toBe('connected');
      for (const line of ['seen_before_crash = True', 'typed_while_down = 1', 'candidate_while_down = 2']) {
        await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain(line);
      }
    }
    expect(await editorText(pageA)).toBe(await editorText(pageB));
    for (const { externalRequests } of contexts) expect(externalRequests).toEqual([]);
  });
});
