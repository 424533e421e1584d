// Multi-instance mode in real browsers: the interviewer's browser talks to one instance, the
// candidate's to another (shared Redis and PostgreSQL). Edits, presence and a run's streamed
// output cross between them; every request stays on loopback.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editorText, joinRoom, launchChromium, newOfflineContext, type OfflineContext } from '../helpers/browser.ts';
import { clusterProgramsReady, startTestCluster, type TestCluster } from '../helpers/cluster.ts';
import { REPO_ROOT, createRoom } from '../helpers/server.ts';
import { BWRAP, CHROMIUM, requireProgram } from '../helpers/system.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
const ready = [CHROMIUM, BWRAP].map(requireProgram).every(Boolean) && clusterProgramsReady();

describe.skipIf(!ready)('two browsers on two instances', () => {
  let cluster: TestCluster;
  let browser: Browser;
  const people: OfflineContext[] = [];
  let interviewer: Page;
  let candidate: Page;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('client not built: run "npm run build"');
    cluster = await startTestCluster({ env: { RUN_WARM_POOL_SIZE: '0' } });
    const [a, b] = cluster.instances as [TestCluster['instances'][number], TestCluster['instances'][number]];
    const room = await createRoom(a.httpUrl, { title: 'Scale-out drill', language: 'python' });
    browser = await launchChromium();
    const open = async (httpUrl: string, link: string, name: string) => {
      const person = await newOfflineContext(browser);
      people.push(person);
      const page = await person.context.newPage();
      await joinRoom(page, `${httpUrl}${link}`, name);
      return page;
    };
    interviewer = await open(a.httpUrl, room.interviewerUrl, 'Iris');
    candidate = await open(b.httpUrl, room.candidateUrl, 'Cam');
  });

  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  test('typing, presence and a run cross from one instance to the other', async () => {
    for (const page of [interviewer, candidate]) {
      await expect.poll(() => page.getByLabel('People in the room').locator('.participant').count()).toBe(2);
    }
    await candidate.locator('.monaco-editor .view-lines').click();
    await candidate.keyboard.type('print("hello from instance b")');
    await expect.poll(() => editorText(interviewer)).toContain('print("hello from instance b")');
    await interviewer.locator('.monaco-editor .view-lines').click();
    await interviewer.keyboard.press('Control+End');
    await interviewer.keyboard.type('\nprint(6 * 7)');
    await expect.poll(() => editorText(candidate)).toContain('print(6 * 7)');

    // The candidate runs on instance b; the interviewer on instance a sees the output.
    await candidate.keyboard.press('Control+Enter');
    for (const page of [interviewer, candidate]) {
      await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('ok');
      const output = await page.getByTestId('run-output').innerText();
      expect(output).toContain('hello from instance b');
      expect(output).toContain('42');
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await interviewer.screenshot({ path: path.join(ARTIFACTS, 'cluster-interviewer.png') });
    await candidate.screenshot({ path: path.join(ARTIFACTS, 'cluster-candidate.png') });
    for (const person of people) expect(person.externalRequests).toEqual([]);
  });
});
