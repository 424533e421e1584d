// A mock interview in two browsers: the interviewer picks a question from the bank, the
// candidate sees only the statement and starter code, runs it against hidden tests, the
// interviewer scores, submits and downloads the report.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editorText, openTwoBrowserRoom, type TwoBrowserRoom } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/server.ts';
import { BWRAP, CHROMIUM, requireProgram } from '../helpers/system.ts';

const ready = [CHROMIUM, BWRAP].map(requireProgram).every(Boolean);
const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');


describe.skipIf(!ready)('a scored interview from the bank', () => {
  let fixture: TwoBrowserRoom;
  let interviewer: Page;
  let candidate: Page;

  beforeAll(async () => {
    fixture = await openTwoBrowserRoom({ title: 'ML engineer onsite', names: ['Ines', 'Cleo'], serverEnv: { RUN_WARM_POOL_SIZE: '1' } });
    interviewer = fixture.interviewer.page;
    candidate = fixture.candidate.page;
    for (const { context } of [fixture.interviewer, fixture.candidate]) context.setDefaultTimeout(15_000);
  });

  afterAll(async () => fixture?.close());

  test("the candidate's join screen says what the room records", async () => {
    const page = await fixture.candidate.context.newPage();
    await page.goto(`${fixture.server.httpUrl}${fixture.room.candidateUrl}`);
    await page.evaluate(() => localStorage.clear()); // no remembered name: the join screen shows
    await page.reload();
    expect(await page.getByTestId('privacy-notice').innerText()).toContain('keystroke history');
    await page.close();
  });

  test('the interviewer previews a question with its rubric and uses it; the candidate sees statement and starter only', async () => {
    await interviewer.getByRole('tab', { name: 'Bank' }).click();
    await interviewer.getByLabel('Search the bank').fill('NDCG');
    await interviewer.getByRole('button', { name: /Mean NDCG@k/ }).click();
    await expect.poll(() => interviewer.getByTestId('rubric').innerText()).toContain('stable sort');
    await interviewer.getByRole('button', { name: 'Use in room' }).click();

    await expect.poll(() => candidate.getByTestId('problem-statement').innerText()).toContain('Mean NDCG@k over search queries');
    await expect.poll(() => editorText(candidate)).toContain('def ndcg_at_k');
    expect(await candidate.getByRole('tab').count()).toBe(0);
    expect(await candidate.getByTestId('rubric').count()).toBe(0);
  });

  test('the candidate runs the starter against the tests; hidden cases show only name and result', async () => {
    await candidate.locator('.monaco-editor .view-lines').click();
    await candidate.keyboard.press('Control+Enter');
    await interviewer.getByRole('tab', { name: 'Run' }).click();
    for (const page of [candidate, interviewer]) {
      await expect.poll(() => page.getByTestId('test-results').innerText(), { timeout: 20_000 }).toMatch(/Tests: 0\/13 passed/);
    }
    const candidateCases = await candidate.getByTestId('test-results').innerText();
    expect(candidateCases).toContain('(hidden)');
    expect(candidateCases).not.toContain('expected ValueError');
    const interviewerCases = await interviewer.getByTestId('test-results').innerText();
    expect(interviewerCases).toContain('NotImplementedError');
  });

  test('the interviewer scores, sees the recommendation, submits, and downloads the report', async () => {
    await interviewer.getByRole('tab', { name: 'Scorecard' }).click();
    await interviewer.getByRole('radio', { name: /^3 / }).click();
    await interviewer.getByLabel('Notes: Mean NDCG@k over search queries').fill('Explained ties and the zero-IDCG case clearly.');
    await interviewer.getByLabel('Practical status').selectOption('passed');
    await expect.poll(() => interviewer.getByTestId('recommendation').getAttribute('data-verdict')).toBe('hire');
    await expect.poll(() => interviewer.getByText('Saved').count()).toBeGreaterThan(0);
    await interviewer.getByRole('button', { name: 'Submit scorecard' }).click();
    await expect.poll(() => interviewer.getByText(/^Submitted/).count()).toBe(1);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await interviewer.screenshot({ path: path.join(ARTIFACTS, 'interview-scorecard.png') });
    await candidate.screenshot({ path: path.join(ARTIFACTS, 'interview-candidate.png') });

    await interviewer.getByRole('tab', { name: 'Room' }).click();
    const [download] = await Promise.all([
      interviewer.waitForEvent('download'),
      interviewer.getByRole('button', { name: /Download report/ }).click(),
    ]);
    const file = path.join(ARTIFACTS, 'interview-report.html');
    await download.saveAs(file);
    const report = fs.readFileSync(file, 'utf8');
    expect(report).toContain('ML engineer onsite');
    expect(report).toContain('Explained ties and the zero-IDCG case clearly.');
    expect(report).toContain('Recommendation: <b>Hire</b>');
    for (const { externalRequests } of [fixture.interviewer, fixture.candidate]) expect(externalRequests).toEqual([]);
  });
});
