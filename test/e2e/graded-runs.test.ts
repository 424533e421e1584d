// Graded runs in two browsers: the candidate sees hidden tests only as "Hidden test N" with
// pass/fail, a second graded run inside the interval is refused with how long to wait, and
// the interviewer's run panel counts the room's graded runs (the candidate's does not show it).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editorText, openTwoBrowserRoom, type TwoBrowserRoom } from '../helpers/browser.ts';
import { BWRAP, CHROMIUM, requireProgram } from '../helpers/system.ts';

const ready = [CHROMIUM, BWRAP].map(requireProgram).every(Boolean);

describe.skipIf(!ready)('graded runs in the room page', () => {
  let fixture: TwoBrowserRoom;
  let interviewer: Page;
  let candidate: Page;

  beforeAll(async () => {
    // Ten minutes: the second run always falls inside the interval, however slow the machine.
    fixture = await openTwoBrowserRoom({ title: 'Graded drill', names: ['Ina', 'Carl'], serverEnv: { GRADED_RUN_MIN_INTERVAL_MS: '600000' } });
    interviewer = fixture.interviewer.page;
    candidate = fixture.candidate.page;
    for (const { context } of [fixture.interviewer, fixture.candidate]) context.setDefaultTimeout(15_000);
  });

  afterAll(async () => fixture?.close());

  test('the candidate runs the starter graded, then too soon again; the interviewer sees the count', async () => {
    await interviewer.getByRole('tab', { name: 'Bank' }).click();
    await interviewer.getByLabel('Search the bank').fill('Deduplicate');
    await interviewer.getByRole('button', { name: /Deduplicate and rank/ }).click();
    await interviewer.getByRole('button', { name: 'Use in room' }).click();
    await expect.poll(() => editorText(candidate)).toContain('def dedupe_and_rank');

    await candidate.locator('.monaco-editor .view-lines').click();
    await candidate.keyboard.press('Control+Enter');
    await expect.poll(() => candidate.getByTestId('test-results').innerText(), { timeout: 20_000 }).toMatch(/Tests: \d+\/11 passed/);
    const cases = await candidate.getByTestId('test-results').innerText();
    expect(cases).toContain('Hidden test 1');
    expect(cases).not.toContain('one ad repeated keeps its maximum');

    await interviewer.getByRole('tab', { name: 'Run' }).click();
    await expect.poll(() => interviewer.getByTestId('graded-run-count').innerText()).toBe('graded runs: 1 (candidate: 1)');
    expect(await interviewer.getByTestId('test-results').innerText()).toContain('one ad repeated keeps its maximum');
    expect(await candidate.getByTestId('graded-run-count').count()).toBe(0);

    await candidate.keyboard.press('Control+Enter');
    await expect.poll(() => candidate.locator('.run-panel [role=alert]').innerText()).toMatch(/wait \d+ s/);
  });
});
