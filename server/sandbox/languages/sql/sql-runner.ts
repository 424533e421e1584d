// SQL runs: the query executes on a real Postgres engine (PGlite) against a dataset, and its
// result sets are printed as text tables.
import type { RunResult } from '../../../../shared/run.ts';
import type { SqlRunner } from '../../../runs/local-executor.ts';
import { RunUnavailableError, type RunJob } from '../../../runs/run-service.ts';
import { DEFAULT_SQL_DATASET } from './default-dataset.ts';
import { formatResultSet } from './format-results.ts';
import { SqlDataset } from './sql-dataset.ts';

export class PgliteSqlRunner implements SqlRunner {
  private readonly datasets = new Map<string, SqlDataset>();

  constructor(
    private readonly timeoutMs: number,
    private readonly outputMaxBytes: number,
  ) {}

  /** The warm engine for a dataset (the default one when no problem defines its own). */
  dataset(key = 'default', setupSql = DEFAULT_SQL_DATASET): SqlDataset {
    let dataset = this.datasets.get(key);
    if (!dataset) {
      dataset = new SqlDataset(setupSql);
      this.datasets.set(key, dataset);
    }
    return dataset;
  }

  async run(job: RunJob, onOutput: (stream: 'stdout' | 'stderr', text: string) => void): Promise<RunResult> {
    const started = performance.now();
    const outcome = await this.dataset()
      .query(job.code, this.timeoutMs)
      .catch((error: unknown) => {
        throw new RunUnavailableError(`The SQL engine could not start: ${(error as Error).message}`);
      });
    const durationMs = Math.round(performance.now() - started);
    const base = { runId: job.runId, language: job.language, durationMs, signal: null, images: undefined };
    if (outcome.kind === 'timeout') {
      const stderr = `The query was stopped after ${this.timeoutMs} ms.\n`;
      onOutput('stderr', stderr);
      return { ...base, status: 'timeout', stdout: '', stderr, exitCode: null, signal: 'SIGKILL', timedOut: true, truncated: false };
    }
    if (outcome.kind === 'error') {
      const stderr = `ERROR: ${outcome.message}\n`;
      onOutput('stderr', stderr);
      return { ...base, status: 'error', stdout: '', stderr, exitCode: 1, timedOut: false, truncated: false };
    }
    let stdout = outcome.results.map(formatResultSet).join('\n');
    const truncated = Buffer.byteLength(stdout) > this.outputMaxBytes;
    if (truncated) stdout = Buffer.from(stdout).subarray(0, this.outputMaxBytes).toString('utf8');
    onOutput('stdout', stdout);
    return { ...base, status: truncated ? 'output-limit' : 'ok', stdout, stderr: '', exitCode: 0, timedOut: false, truncated };
  }

  async close(): Promise<void> {
    await Promise.all([...this.datasets.values()].map((dataset) => dataset.close()));
  }
}
