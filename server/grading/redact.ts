// The candidate's copy of a result: hidden cases keep only a number and pass/fail (their names
// can give them away), the hidden run only its status, and what the program printed during
// grading (it may echo hidden inputs) is removed. Every channel to a candidate goes through here.
import type { RunResult, TestCaseResult } from '../../shared/run.ts';

export function forCandidate(result: RunResult): RunResult {
  if (!result.tests && !result.gradingOutput) return result;
  const { gradingOutput: _private, ...shared } = result;
  if (!shared.tests) return shared;
  let hiddenSeen = 0;
  return {
    ...shared,
    tests: {
      passed: shared.tests.passed,
      total: shared.tests.total,
      cases: shared.tests.cases.map((c): TestCaseResult => {
        if (!c.hidden) return c;
        hiddenSeen += 1;
        return { name: `Hidden test ${hiddenSeen}`, hidden: true, passed: c.passed };
      }),
      ...(shared.tests.hiddenStatus && { hiddenStatus: shared.tests.hiddenStatus }),
    },
  };
}
