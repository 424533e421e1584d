// Either person presses Run; both browsers see the same streamed output and result,
// including a matplotlib figure, and the run appears in both histories.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editorText, openTwoBrowserRoom, type TwoBrowserRoom } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/server.ts';
import { BWRAP, CHROMIUM, PYTHON_MATPLOTLIB, requireProgram } from '../helpers/system.ts';

const ready = [CHROMIUM, BWRAP, PYTHON_MATPLOTLIB].map(requireProgram).every(Boolean);


describe.skipIf(!ready)('the Run button in two browsers', () => {
  let fixture: TwoBrowserRoom;
  let interviewer: Page;
  let candidate: Page;

  beforeAll(async () => {
    fixture = await openTwoBrowserRoom({ title: 'Run drill', language: 'python', names: ['Iris', 'Cam'], serverEnv: { RUN_WARM_POOL_SIZE: '1' } });
    interviewer = fixture.interviewer.page;
    candidate = fixture.candidate.page;
  });

  afterAll(async () => fixture?.close());

  test('the candidate runs code with Ctrl+Enter and both see streamed output and the result', async () => {
    await candidate.locator('.monaco-editor .view-lines').click();
    // Typed without indentation so Monaco's auto-indent cannot change the program.
    await candidate.keyboard.type('import time, sys\nprint("first line", flush=True)\ntime.sleep(0.6)\nprint("second line")\nsys.exit(3)');
    await expect.poll(() => interviewer.locator('.monaco-editor .view-lines').innerText()).toContain('sys.exit(3)');
    await candidate.keyboard.press('Control+Enter');
    // Streaming: the first line shows while the program still runs.
    await expect.poll(() => interviewer.getByTestId('run-output').innerText()).toContain('first line');
    for (const page of [interviewer, candidate]) {
      await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('error');
      const output = await page.getByTestId('run-output').innerText();
      expect(output).toContain('second line');
      expect(output).toContain('Exited with code 3');
      expect(output).toContain('Cam (candidate)');
    }
  });

  test('the interviewer runs a plot and both see the figure, then the history lists both runs', async () => {
    await interviewer.locator('.monaco-editor .view-lines').click();
    await interviewer.keyboard.press('Control+a');
    await interviewer.keyboard.type('import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title("loss")\nplt.show()');
    await expect.poll(() => editorText(candidate)).toContain('plt.title("loss")\nplt.show()');
    const before = await interviewer.locator('.run-history li').count();
    await interviewer.getByRole('button', { name: 'Run ▶' }).click();
    // Wait for this run's result (the panel still shows the previous one until then).
    await expect.poll(() => interviewer.getByTestId('run-output').innerText(), { timeout: 20_000 }).toContain('Iris (interviewer) ran');
    for (const page of [interviewer, candidate]) {
      const outcome = async () => `${await page.getByTestId('run-status').getAttribute('data-status')}: ${await page.getByTestId('run-output').innerText()}`;
      await expect.poll(outcome, { timeout: 20_000 }).toMatch(/^ok: /);
      await expect.poll(() => page.locator('img.run-image').count()).toBe(1);
      const width = await page.locator('img.run-image').evaluate((img) => (img as HTMLImageElement).naturalWidth);
      expect(width).toBeGreaterThan(100);
      await page.locator('.run-history summary').click();
      await expect.poll(() => page.locator('.run-history li').count()).toBe(before + 1);
    }
    fs.mkdirSync(path.join(REPO_ROOT, 'test/artifacts'), { recursive: true });
    await candidate.screenshot({ path: path.join(REPO_ROOT, 'test/artifacts/run-candidate.png') });
    for (const { externalRequests } of [fixture.interviewer, fixture.candidate]) expect(externalRequests).toEqual([]);
  });
});
