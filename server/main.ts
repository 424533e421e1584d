// Entry point: parse configuration once, report what is missing, serve, shut down cleanly.
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app.ts';
import { ConfigError, parseConfig } from './config.ts';
import { createLogger, describeServerUrl } from './logger.ts';
import { describeMissing, missingRequirements } from './ops/system-check.ts';

function loadConfig() {
  try {
    return parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);

const missing = describeMissing(missingRequirements());
if (missing) log.warn(missing);
if (!config.ROOM_CREATE_KEY) {
  // Every room's interviewer link reads the whole bank: creating a room is the bank's front door.
  log.warn(
    'ROOM_CREATE_KEY is not set: anyone who can reach this server can create a room and thereby read the problem bank, hidden tests and solutions included. Set ROOM_CREATE_KEY (16+ characters) so that only holders of the key can.',
  );
}
if (!fs.existsSync(path.join(config.CLIENT_DIST_DIR, 'index.html'))) {
  log.warn(`The client is not built (${config.CLIENT_DIST_DIR} has no index.html): run "npm run build". The API still works.`);
}

const app = await createApp(config, log).catch((error: unknown) => {
  // Typically the database is unreachable or refuses us: say which and why, without a stack.
  const where = config.DATABASE_URL ? ` (DATABASE_URL ${describeServerUrl(config.DATABASE_URL)})` : ` (DATA_DIR ${config.DATA_DIR})`;
  log.fatal(`Cannot open the database${where}: ${(error as Error).message}`);
  process.exit(1);
});
const port = await app.listen();
const storage = config.DATABASE_URL ? `PostgreSQL at ${describeServerUrl(config.DATABASE_URL)}` : `SQLite in ${config.DATA_DIR}`;
const mode = config.REDIS_URL && config.DATABASE_URL ? `; multi-instance mode through Redis at ${describeServerUrl(config.REDIS_URL)}` : '';
log.info(`Interview room serving http://localhost:${port} (data: ${storage}${mode})`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    void app.close().then(() => process.exit(0));
  });
}
