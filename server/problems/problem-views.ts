// The only place that decides which parts of a problem each role receives. Candidates get the
// statement, starter code, public examples and how many hidden cases there are; never rubric,
// solutions, or anything of a hidden case, not even its name.
import type { CandidateProblem, InterviewerProblem, ProblemSummary } from '../../shared/problem.ts';
import type { LoadedProblem } from './load-problems.ts';

export function problemSummary(problem: LoadedProblem): ProblemSummary {
  const { id, title, kind, difficulty, competencies, minutes, languages, tags } = problem.meta;
  return { id, title, kind, difficulty, competencies, minutes, languages, tags, hasTests: problem.tests !== undefined };
}

function publicExamples(problem: LoadedProblem): CandidateProblem['examples'] {
  const tests = problem.tests;
  if (!tests) return [];
  if (tests.kind === 'sql') {
    return tests.cases.filter((c) => !c.hidden).map((c) => ({ name: c.name, input: { setup: c.setup }, expected: c.expected }));
  }
  return tests.cases
    .filter((c) => !c.hidden)
    .map((c) => ({ name: c.name, input: { args: c.args, kwargs: c.kwargs }, expected: c.raises ? { raises: c.raises } : c.expected }));
}

/** What a candidate is told of the hidden cases: that they exist, numbered in file order. */
export function hiddenTestLabels(problem: LoadedProblem): string[] {
  const hidden = problem.tests?.cases.filter((c) => c.hidden).length ?? 0;
  return Array.from({ length: hidden }, (_, i) => `Hidden test ${i + 1}`);
}

export function candidateView(problem: LoadedProblem): CandidateProblem {
  return {
    ...problemSummary(problem),
    statement: problem.statement,
    starters: problem.starters,
    examples: publicExamples(problem),
    hiddenTests: hiddenTestLabels(problem),
  };
}

export function interviewerView(problem: LoadedProblem): InterviewerProblem {
  return {
    ...candidateView(problem),
    rubric: problem.rubric,
    solutions: problem.solutions,
    modelAnswer: problem.modelAnswer,
    tests: problem.tests,
  };
}
