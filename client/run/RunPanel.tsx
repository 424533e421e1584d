import { useState } from 'react';
import type { GradedRunCount, RunHistoryEntry, RunResult, RunStatus } from '../../shared/run.ts';
import type { RunView } from './use-runs.ts';

const STATUS_TEXT: Record<RunStatus, (r: RunResult) => string> = {
  ok: (r) => `Exited with code 0 in ${r.durationMs} ms`,
  error: (r) => (r.exitCode === null ? `Killed by ${r.signal ?? 'a signal'}` : `Exited with code ${r.exitCode} in ${r.durationMs} ms`),
  timeout: (r) => `Stopped: the program ran longer than the time limit (${(r.durationMs / 1000).toFixed(1)} s)`,
  memory: () => 'Stopped: the program used more memory than the limit',
  'output-limit': () => 'Stopped: the program printed more than the output limit; the rest was cut',
};

function TestResults({ result }: { result: RunResult }) {
  const tests = result.tests!;
  return (
    <div className="tests" data-testid="test-results">
      <p className={tests.passed === tests.total ? 'tests-summary all-passed' : 'tests-summary'}>
        Tests: {tests.passed}/{tests.total} passed
      </p>
      {tests.hiddenStatus && tests.hiddenStatus !== 'ok' && (
        <p className="muted" data-testid="hidden-status">
          The hidden tests' run ended: {tests.hiddenStatus}
        </p>
      )}
      <ul>
        {tests.cases.map((c) => (
          <li key={c.name} className={c.passed ? 'case passed' : 'case failed'}>
            {c.passed ? '✓' : '✗'} {c.name}
            {c.hidden && <span className="muted"> (hidden)</span>}
            {c.message && <div className="case-message">{c.message}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface Props {
  latest: RunView | undefined;
  history: RunHistoryEntry[];
  /** Interviewers only: shown so that many graded runs (probing the hidden cases) are noticed. */
  gradedRuns?: GradedRunCount;
  busy: boolean;
  error: string | undefined;
  stdin: string;
  onStdinChange: (stdin: string) => void;
  onRun: () => void;
}

export function RunPanel({ latest, history, gradedRuns, busy, error, stdin, onStdinChange, onRun }: Props) {
  const [showStdin, setShowStdin] = useState(false);
  const running = latest !== undefined && latest.result === undefined;
  return (
    <section className="run-panel" aria-label="Run">
      <div className="run-toolbar">
        <button type="button" onClick={onRun} disabled={busy} title="Run (Ctrl/Cmd+Enter)">
          {busy ? 'Running…' : 'Run ▶'}
        </button>
        <label className="stdin-toggle">
          <input type="checkbox" checked={showStdin} onChange={(e) => setShowStdin(e.target.checked)} />
          stdin
        </label>
        <span className="hint">Ctrl/Cmd+Enter</span>
        {gradedRuns && (
          <span className="hint" data-testid="graded-run-count" title="Runs with the problem's tests; each of the candidate's can probe the hidden tests">
            graded runs: {gradedRuns.total} (candidate: {gradedRuns.candidate})
          </span>
        )}
      </div>
      {showStdin && (
        <textarea className="stdin" aria-label="Program input (stdin)" value={stdin} onChange={(e) => onStdinChange(e.target.value)} rows={4} />
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <div className="output" data-testid="run-output" aria-live="polite">
        {!latest && <p className="muted">Press Run to execute the code. Output appears here for everyone in the room.</p>}
        {latest && (
          <>
            <p className="run-meta">
              {latest.started.startedBy.name} ({latest.started.startedBy.role}) ran {latest.started.language}
              {running && <span className="running"> · running…</span>}
            </p>
            {latest.stdout && <pre className="stdout">{latest.stdout}</pre>}
            {latest.stderr && <pre className="stderr">{latest.stderr}</pre>}
            {latest.result?.images?.map((image, i) => (
              <img key={i} className="run-image" alt={`Figure ${i + 1}`} src={`data:${image.mimeType};base64,${image.data}`} />
            ))}
            {latest.result?.tests && <TestResults result={latest.result} />}
            {latest.result?.gradingOutput && (latest.result.gradingOutput.stdout || latest.result.gradingOutput.stderr) && (
              <details className="grading-output">
                <summary>Output while the tests ran (interviewers only)</summary>
                <pre>{latest.result.gradingOutput.stdout}</pre>
                <pre className="stderr">{latest.result.gradingOutput.stderr}</pre>
              </details>
            )}
            {latest.result && (
              <p className={`run-status status-${latest.result.status}`} data-testid="run-status" data-status={latest.result.status}>
                {STATUS_TEXT[latest.result.status](latest.result)}
                {latest.result.truncated && latest.result.status !== 'output-limit' ? ' (output cut)' : ''}
              </p>
            )}
          </>
        )}
      </div>
      {history.length > 0 && (
        <details className="run-history">
          <summary>Recent runs ({history.length})</summary>
          <ol>
            {history.map((entry) => (
              <li key={entry.runId}>
                <time dateTime={entry.startedAt}>{new Date(entry.startedAt).toLocaleTimeString()}</time> {entry.startedBy.name} ·{' '}
                {entry.language} · <span className={`status-${entry.status}`}>{entry.status}</span> · {entry.durationMs} ms
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
