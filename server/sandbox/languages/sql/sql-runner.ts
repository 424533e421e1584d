// SQL runs: the query executes on a real Postgres engine (PGlite) against a dataset, and its
// result sets are printed as text tables. Grading runs execute the query once per test case,
// each case's rows inserted inside the same rolled-back transaction.
import { createHash } from 'node:crypto';
import type { GradedCall } from '../../../grading/graded-call.ts';
import { RunUnavailableError, type ExecutedRun, type RunJob } from '../../../runs/executor.ts';
import { DEFAULT_SQL_DATASET } from './default-dataset.ts';
import { formatResultSet } from './format-results.ts';
import { SqlDataset, type QueryOutcome } from './sql-dataset.ts';

export class PgliteSqlRunner {
  private readonly datasets = new Map<string, SqlDataset>();

  constructor(
    private readonly timeoutMs: number,
    private readonly outputMaxBytes: number,
  ) {}

  /** The warm engine for a dataset (the default one when no problem defines its own). */
  dataset(setupSql = DEFAULT_SQL_DATASET): SqlDataset {
    const key = createHash('sha256').update(setupSql).digest('hex');
    let dataset = this.datasets.get(key);
    if (!dataset) {
      dataset = new SqlDataset(setupSql);
      this.datasets.set(key, dataset);
    }
    return dataset;
  }

  private async query(job: RunJob, setup: string | undefined): Promise<QueryOutcome> {
    const dataset = this.dataset(job.grade?.kind === 'sql' ? job.grade.schema : job.dataset?.setupSql);
    return dataset.query(job.code, this.timeoutMs, setup).catch((error: unknown) => {
      throw new RunUnavailableError(`The SQL engine could not start: ${(error as Error).message}`);
    });
  }

  async run(job: RunJob, onOutput: (stream: 'stdout' | 'stderr', text: string) => void): Promise<ExecutedRun> {
    if (job.grade?.kind === 'sql') return this.grade(job, job.grade.cases);
    const started = performance.now();
    const outcome = await this.query(job, job.dataset?.setup);
    const result = this.toResult(job, outcome, Math.round(performance.now() - started));
    if (result.stdout) onOutput('stdout', result.stdout);
    if (result.stderr) onOutput('stderr', result.stderr);
    return result;
  }

  private async grade(job: RunJob, cases: { name: string; setup: string }[]): Promise<ExecutedRun> {
    const started = performance.now();
    const graded: GradedCall[] = [];
    let stderr = '';
    for (const testCase of cases) {
      const outcome = await this.query(job, testCase.setup);
      if (outcome.kind === 'results') {
        const last = outcome.results.at(-1);
        graded.push({ name: testCase.name, value: last ? { columns: last.fields, rows: last.rows } : { columns: [], rows: [] } });
      } else {
        const message = outcome.kind === 'timeout' ? `stopped after ${this.timeoutMs} ms` : outcome.message;
        graded.push({ name: testCase.name, error: outcome.kind === 'timeout' ? 'Timeout' : 'SQLError', message });
        stderr += `${testCase.name}: ${message}\n`;
      }
    }
    const base = this.toResult(job, { kind: 'results', results: [] }, Math.round(performance.now() - started));
    return { ...base, stdout: '', stderr, graded };
  }

  private toResult(job: RunJob, outcome: QueryOutcome, durationMs: number): ExecutedRun {
    const base = { runId: job.runId, language: job.language, durationMs, signal: null };
    if (outcome.kind === 'timeout') {
      const stderr = `The query was stopped after ${this.timeoutMs} ms.\n`;
      return { ...base, status: 'timeout', stdout: '', stderr, exitCode: null, signal: 'SIGKILL', timedOut: true, truncated: false };
    }
    if (outcome.kind === 'error') {
      return { ...base, status: 'error', stdout: '', stderr: `ERROR: ${outcome.message}\n`, exitCode: 1, timedOut: false, truncated: false };
    }
    let stdout = outcome.results.map(formatResultSet).join('\n');
    const truncated = Buffer.byteLength(stdout) > this.outputMaxBytes;
    if (truncated) stdout = Buffer.from(stdout).subarray(0, this.outputMaxBytes).toString('utf8');
    return { ...base, status: truncated ? 'output-limit' : 'ok', stdout, stderr: '', exitCode: 0, timedOut: false, truncated };
  }

  async close(): Promise<void> {
    await Promise.all([...this.datasets.values()].map((dataset) => dataset.close()));
  }
}
