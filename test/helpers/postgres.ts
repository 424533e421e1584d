// A real PostgreSQL server for tests: a throwaway cluster in a temp folder on a free port,
// with fsync off (its data is thrown away). Check requireProgram(POSTGRES) from system.ts
// first: under CI a missing server fails naming the apt package `postgresql`.
import fs from 'node:fs';
import pg from 'pg';
import { startLocalPostgres } from '../../server/cluster/local-postgres.ts';
import { freePort } from './free-port.ts';
import { tempDataDir } from './server.ts';

export interface TestPostgres {
  /** The `interview` database. */
  url: string;
  port: number;
  /** Creates an empty database on this server and returns its URL (one per test keeps tests apart). */
  freshDatabase(): Promise<string>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

let databases = 0;

export async function startTestPostgres(): Promise<TestPostgres> {
  const dataDir = tempDataDir('postgres-test-');
  let server;
  try {
    server = await startLocalPostgres({ dataDir, port: await freePort(), fast: true });
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { url, port } = server;
  return {
    url,
    port,
    async freshDatabase() {
      const name = `test_${process.pid}_${++databases}`;
      const admin = new pg.Client({ connectionString: url });
      admin.on('error', () => {});
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url.replace(/\/interview$/, `/${name}`);
    },
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
