import type { CandidateProblem } from '../../shared/problem.ts';
import { Markdown } from './Markdown.tsx';

/** What both people see of the current problem: statement and public examples. */
export function ProblemStatement({ problem }: { problem: CandidateProblem }) {
  return (
    <section className="problem-statement" aria-label="Problem" data-testid="problem-statement">
      <p className="problem-meta">
        {problem.kind} · {problem.difficulty} · about {problem.minutes} min
      </p>
      <Markdown source={problem.statement} />
      {problem.examples.length > 0 && (
        <details>
          <summary>Examples the tests check ({problem.examples.length})</summary>
          {problem.examples.map((example) => (
            <pre key={example.name}>{`${example.name}\ninput: ${JSON.stringify(example.input)}\nexpected: ${JSON.stringify(example.expected)}`}</pre>
          ))}
        </details>
      )}
      {problem.hiddenTests.length > 0 && (
        <p className="muted" data-testid="hidden-test-count">
          {problem.hiddenTests.length} more hidden {problem.hiddenTests.length === 1 ? 'test checks' : 'tests check'} your code when it runs.
        </p>
      )}
    </section>
  );
}
