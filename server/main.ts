// Entry point: parse configuration once, report what is missing, serve, shut down cleanly.
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app.ts';
import { ConfigError, parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
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
if (!fs.existsSync(path.join(config.CLIENT_DIST_DIR, 'index.html'))) {
  log.warn(`The client is not built (${config.CLIENT_DIST_DIR} has no index.html): run "npm run build". The API still works.`);
}

const app = await createApp(config, log);
const port = await app.listen();
log.info(`Interview room serving http://localhost:${port} (data in ${config.DATA_DIR})`);

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
