// The embedded default: runs execute in this process's sandboxes and SQL engine.
// `npm run worker` uses the same runners behind a queue.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { PgliteSqlRunner } from '../sandbox/languages/sql/sql-runner.ts';
import { SandboxRunner } from '../sandbox/sandbox-runner.ts';
import type { RunExecutor } from './executor.ts';

export interface LocalRunners {
  executor: RunExecutor;
  close(): Promise<void>;
}

export function createLocalRunners(config: Config, log: Logger): LocalRunners {
  const sandbox = new SandboxRunner(config);
  const sql = new PgliteSqlRunner(config.RUN_TIMEOUT_MS, config.RUN_OUTPUT_MAX_BYTES);
  // With a warm pool configured, start the SQL engine now rather than on the first query (3-5 s).
  if (config.RUN_WARM_POOL_SIZE > 0) {
    void sql.dataset().warm().catch((error: unknown) => log.warn({ err: error }, 'the SQL engine failed to start'));
  }
  return {
    executor: {
      execute: (job, onOutput) =>
        job.language === 'sql' ? sql.run(job, onOutput) : sandbox.run({ ...job, language: job.language }, onOutput),
    },
    async close() {
      sandbox.close();
      await sql.close();
    },
  };
}
