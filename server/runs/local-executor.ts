// The embedded default: runs of every language execute in this process's sandboxes.
// `npm run worker` uses the same runner behind a queue.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { SandboxRunner } from '../sandbox/sandbox-runner.ts';
import type { RunExecutor } from './executor.ts';

export interface LocalRunners {
  executor: RunExecutor;
  close(): Promise<void>;
}

export function createLocalRunners(config: Config, log: Logger): LocalRunners {
  const sandbox = new SandboxRunner(config, log);
  return {
    executor: { execute: (job, onOutput) => sandbox.run(job, onOutput) },
    async close() {
      sandbox.close();
    },
  };
}
