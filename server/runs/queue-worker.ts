// Consumes queued runs and executes them with a local executor: every language, SQL included,
// runs in a fresh sandbox, so a worker serves many rooms without them sharing an engine.
import { Worker } from 'bullmq';
import type { RunResult } from '../../shared/run.ts';
import { OutputBatcher } from './output-batcher.ts';
import { RUN_QUEUE_NAME, redisConnection, type OutputProgress } from './queue-executor.ts';
import type { RunExecutor, RunJob } from './executor.ts';

export function startQueueWorker(redisUrl: string, executor: RunExecutor, concurrency: number): Worker<RunJob, RunResult> {
  return new Worker<RunJob, RunResult>(
    RUN_QUEUE_NAME,
    async (job) => {
      const batcher = new OutputBatcher((stream, text) => void job.updateProgress({ stream, text } satisfies OutputProgress));
      const result = await executor.execute(job.data, (stream, text) => batcher.push(stream, text));
      batcher.flush();
      return result;
    },
    { connection: redisConnection(redisUrl), concurrency },
  );
}
