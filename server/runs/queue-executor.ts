// Runs through Redis: the server enqueues a job (BullMQ), any `npm run worker` process (or
// this server's own worker) executes it, output streams back as job progress events.
import { Queue, QueueEvents } from 'bullmq';
import type { RunResult } from '../../shared/run.ts';
import { RunUnavailableError, type RunExecutor, type RunJob } from './executor.ts';

export const RUN_QUEUE_NAME = 'interview-runs';

export interface OutputProgress {
  stream: 'stdout' | 'stderr';
  text: string;
}

export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ requires this for blocking connections; also keeps commands queued across a Redis restart.
    maxRetriesPerRequest: null,
  };
}

export interface QueueExecutor extends RunExecutor {
  close(): Promise<void>;
}

export function queueExecutor(redisUrl: string, options: { resultTimeoutMs: number }): QueueExecutor {
  const connection = redisConnection(redisUrl);
  const queue = new Queue<RunJob, RunResult>(RUN_QUEUE_NAME, { connection });
  const events = new QueueEvents(RUN_QUEUE_NAME, { connection });
  const listeners = new Map<string, (progress: OutputProgress) => void>();
  events.on('progress', ({ jobId, data }) => listeners.get(jobId)?.(data as OutputProgress));

  return {
    async execute(job, onOutput) {
      listeners.set(job.runId, ({ stream, text }) => onOutput(stream, text));
      try {
        await events.waitUntilReady();
        const queued = await queue.add('run', job, { jobId: job.runId, removeOnComplete: 100, removeOnFail: 100 });
        try {
          return await queued.waitUntilFinished(events, options.resultTimeoutMs);
        } catch (error) {
          const message = (error as Error).message;
          if (/timed out/i.test(message)) {
            throw new RunUnavailableError('No run worker answered in time: start one with "npm run worker" (same REDIS_URL).');
          }
          throw error;
        }
      } finally {
        listeners.delete(job.runId);
      }
    },
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}
