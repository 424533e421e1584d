// The embedded default: runs execute in this process's sandboxes, no queue service needed.
import type { RunResult } from '../../shared/run.ts';
import type { SandboxRunner } from '../sandbox/sandbox-runner.ts';
import type { RunExecutor, RunJob } from './run-service.ts';

export interface SqlRunner {
  run(job: RunJob, onOutput: (stream: 'stdout' | 'stderr', text: string) => void): Promise<RunResult>;
}

export function localExecutor(sandbox: SandboxRunner, sql: SqlRunner | undefined): RunExecutor {
  return {
    execute(job, onOutput) {
      if (job.language === 'sql') {
        if (!sql) throw new Error('SQL runs are not configured on this server');
        return sql.run(job, onOutput);
      }
      return sandbox.run({ ...job, language: job.language }, onOutput);
    },
  };
}
