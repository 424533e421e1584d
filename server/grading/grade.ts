// Turns a problem's tests into a grading request, and what the run produced into a report.
// Expected values never leave the host.
import type { TestCaseResult, TestReport } from '../../shared/run.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import { firstMismatch, preview } from './compare.ts';
import type { GradeRequest, GradedCall } from './graded-call.ts';

export function gradeRequest(problem: LoadedProblem): GradeRequest | undefined {
  const tests = problem.tests;
  if (!tests) return undefined;
  if (tests.kind === 'sql') return { kind: 'sql', schema: tests.schema, cases: tests.cases.map(({ name, setup }) => ({ name, setup })) };
  return {
    kind: 'code',
    entry: problem.meta.entry!,
    cases: tests.cases.map(({ name, args, kwargs }) => ({ name, args, kwargs })),
  };
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

export function buildReport(problem: LoadedProblem, graded: GradedCall[] | undefined, failure: string | undefined): TestReport {
  const tests = problem.tests!;
  const sql = tests.kind === 'sql';
  const tolerance = tests.kind === 'code' ? tests.floatTolerance : tests.numericTolerance;
  const byName = new Map((graded ?? []).map((call) => [call.name, call]));
  const cases = expectedCases(tests).map((testCase): TestCaseResult => {
    const { raises, ...base } = testCase;
    const call = byName.get(testCase.name);
    if (!call) return { ...base, passed: false, message: failure ?? 'the program produced no result for this case' };
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
  return { passed: cases.filter((c) => c.passed).length, total: cases.length, cases };
}
