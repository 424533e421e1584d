// Turns a problem's tests into grading requests, and what the runs produced into a report.
// Expected values never leave the host. Public and hidden cases go to separate runs, so no
// process that saw a hidden case produces anything a candidate is shown beyond pass/fail.
import type { RunStatus, TestCaseResult, TestReport } from '../../shared/run.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import { firstMismatch, preview } from './compare.ts';
import type { GradeRequest, GradedCall } from './graded-call.ts';

export type CaseGroup = 'public' | 'hidden';
export const CASE_GROUPS: readonly CaseGroup[] = ['public', 'hidden'];

/**
 * The sandbox knows a case by its position in the problem's list, never its name (a hidden
 * case's name can give it away).
 */
const caseId = (index: number) => `c${index}`;

/** One request per group that has cases; a group without cases is left out. */
export function gradeRequests(problem: LoadedProblem): Partial<Record<CaseGroup, GradeRequest>> {
  const tests = problem.tests;
  if (!tests) return {};
  const requests: Partial<Record<CaseGroup, GradeRequest>> = {};
  for (const group of CASE_GROUPS) {
    const hidden = group === 'hidden';
    if (tests.kind === 'sql') {
      const cases = tests.cases.flatMap((c, i) => (c.hidden === hidden ? [{ name: caseId(i), setup: c.setup }] : []));
      if (cases.length) requests[group] = { kind: 'sql', schema: tests.schema, cases };
    } else {
      const cases = tests.cases.flatMap((c, i) => (c.hidden === hidden ? [{ name: caseId(i), args: c.args, kwargs: c.kwargs }] : []));
      if (cases.length) requests[group] = { kind: 'code', entry: problem.meta.entry!, cases };
    }
  }
  return requests;
}

const DAY_AT_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$/;

/** SQL results: column names compare case-insensitively, a date at midnight reads as the date. */
function normalizeSqlValue(value: unknown): unknown {
  if (!value || typeof value !== 'object' || !('columns' in value) || !('rows' in value)) return value;
  const { columns, rows } = value as { columns: unknown[]; rows: unknown[][] };
  return {
    columns: columns.map((c) => String(c).toLowerCase()),
    rows: rows.map((row) => row.map((cell) => (typeof cell === 'string' ? cell.replace(DAY_AT_MIDNIGHT, '$1') : cell))),
  };
}

interface ExpectedCase {
  name: string;
  hidden: boolean;
  input: unknown;
  expected: unknown;
  /** Code cases that must raise this exception. */
  raises?: string;
}

function expectedCases(tests: NonNullable<LoadedProblem['tests']>): ExpectedCase[] {
  if (tests.kind === 'sql') {
    return tests.cases.map((c) => ({ name: c.name, hidden: c.hidden, input: { setup: c.setup }, expected: c.expected }));
  }
  return tests.cases.map((c) => ({
    name: c.name,
    hidden: c.hidden,
    input: { args: c.args, kwargs: c.kwargs },
    expected: c.raises ? { raises: c.raises } : c.expected,
    raises: c.raises,
  }));
}

/** What one group's run produced: its calls, or why it produced none for some case. */
export interface GroupOutcome {
  graded: GradedCall[] | undefined;
  failure: string | undefined;
  status: RunStatus;
}

export function buildReport(problem: LoadedProblem, outcomes: Partial<Record<CaseGroup, GroupOutcome>>): TestReport {
  const tests = problem.tests!;
  const sql = tests.kind === 'sql';
  const tolerance = tests.kind === 'code' ? tests.floatTolerance : tests.numericTolerance;
  // Each run answers only for its own group: a hidden run naming a public case is ignored.
  const calls = new Map<string, GradedCall>();
  for (const group of CASE_GROUPS) {
    const ids = new Set(tests.cases.flatMap((c, i) => (c.hidden === (group === 'hidden') ? [caseId(i)] : [])));
    for (const call of outcomes[group]?.graded ?? []) {
      if (call && typeof call.name === 'string' && ids.has(call.name) && !calls.has(call.name)) calls.set(call.name, call);
    }
  }
  const cases = expectedCases(tests).map((testCase, index): TestCaseResult => {
    const { raises, ...base } = testCase;
    const call = calls.get(caseId(index));
    if (!call) {
      const failure = outcomes[testCase.hidden ? 'hidden' : 'public']?.failure;
      return { ...base, passed: false, message: failure ?? 'the program produced no result for this case' };
    }
    if ('error' in call) {
      const passed = raises !== undefined && call.error === raises;
      return { ...base, passed, actual: { raised: call.error }, message: passed ? undefined : `raised ${call.error}: ${call.message}` };
    }
    if (raises) return { ...base, passed: false, actual: call.value, message: `expected ${raises} to be raised, got ${preview(call.value)}` };
    const mismatch = sql
      ? firstMismatch(normalizeSqlValue(call.value), normalizeSqlValue(testCase.expected), tolerance)
      : firstMismatch(call.value, testCase.expected, tolerance);
    return {
      ...base,
      passed: !mismatch,
      actual: call.value,
      message: mismatch ? `at ${mismatch.path}: expected ${preview(mismatch.expected)}, got ${preview(mismatch.actual)}` : undefined,
    };
  });
  const hiddenStatus = outcomes.hidden?.status;
  return { passed: cases.filter((c) => c.passed).length, total: cases.length, cases, ...(hiddenStatus && { hiddenStatus }) };
}
