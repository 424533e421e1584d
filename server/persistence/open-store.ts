// Picks the store from configuration: PostgreSQL when DATABASE_URL is set (shared by every
// instance), otherwise the embedded SQLite file in DATA_DIR. The PostgreSQL client is only
// loaded when it is used.
import type { Config } from '../config.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export async function openStore(config: Config): Promise<Store> {
  if (!config.DATABASE_URL) return openSqliteStore(config.DATA_DIR, config.SQLITE_SYNCHRONOUS);
  const { openPostgresStore } = await import('./postgres-store.ts');
  return openPostgresStore(config.DATABASE_URL, { poolSize: config.PG_POOL_SIZE });
}
