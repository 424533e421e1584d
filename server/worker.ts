// `npm run worker`: executes queued runs (REDIS_URL) on this machine, for as many servers as
// share that Redis. Needs the same system packages as in-process runs (bubblewrap, python3-*).
import { ConfigError, parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { describeMissing, missingRequirements } from './ops/system-check.ts';
import { createLocalRunners } from './runs/local-executor.ts';
import { startQueueWorker } from './runs/queue-worker.ts';
import { checkSandbox } from './sandbox/sandbox-runner.ts';

let config;
try {
  config = parseConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const log = createLogger(config.LOG_LEVEL);
if (!config.REDIS_URL) {
  log.fatal('The run worker needs REDIS_URL (the Redis the room servers queue runs in), e.g. REDIS_URL=redis://127.0.0.1:6379');
  process.exit(1);
}
const missing = describeMissing(missingRequirements());
if (missing) log.warn(missing);
const sandbox = await checkSandbox(config);
if (!sandbox.ok) log.warn(sandbox.message);

const runners = createLocalRunners(config, log);
const worker = startQueueWorker(config.REDIS_URL, runners.executor, config.RUN_CONCURRENCY);
worker.on('failed', (job, error) => log.warn({ runId: job?.id, err: error }, 'a run failed in the worker'));
await worker.waitUntilReady();
log.info(`Run worker ready (concurrency ${config.RUN_CONCURRENCY}, memory cap: ${sandbox.ok ? sandbox.memoryCap : 'sandbox unavailable'})`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    void worker
      .close()
      .then(() => runners.close())
      .then(() => process.exit(0));
  });
}
