// The candidate's copy of a result: hidden cases keep only name and pass/fail, and what the
// program printed during grading (it may echo hidden inputs) is removed.
import type { RunResult, TestCaseResult } from '../../shared/run.ts';

export function forCandidate(result: RunResult): RunResult {
  if (!result.tests && !result.gradingOutput) return result;
  const { gradingOutput: _private, ...shared } = result;
  if (!shared.tests) return shared;
  return {
    ...shared,
    tests: {
      ...shared.tests,
      cases: shared.tests.cases.map(
        (c): TestCaseResult => (c.hidden ? { name: c.name, hidden: true, passed: c.passed } : c),
      ),
    },
  };
}
