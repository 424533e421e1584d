// Runs inside a worker thread: one PGlite (Postgres in WebAssembly) holding one dataset.
// PGlite runs on the thread that calls it, so a query that never ends can only be stopped
// by terminating this worker; the main thread does that and starts a fresh one.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

export interface WorkerInit {
  /** Schema and rows of the dataset, for the first start. */
  setupSql: string;
  /** A dump of an earlier start: much faster than replaying setupSql. */
  dump?: Blob;
}

export interface QueryRequest {
  id: number;
  sql: string;
  /** Runs first, inside the same rolled-back transaction (a test case's rows). */
  setup?: string;
}

export interface ResultSet {
  fields: string[];
  rows: unknown[][];
  affectedRows?: number;
}

export type QueryReply =
  | { id: number; ok: true; results: ResultSet[]; dirty: boolean }
  | { id: number; ok: false; error: string; dirty: boolean };

export type WorkerMessage = { type: 'ready'; dump?: Blob } | { type: 'failed'; error: string } | ({ type: 'reply' } & QueryReply);

// Dates and timestamps stay text exactly as Postgres prints them ("2024-05-01"), which is
// what people expect to read and what graders compare.
const TEXT_TYPES = [1082, 1114, 1184, 1083, 1266, 1186];
const asText = Object.fromEntries(TEXT_TYPES.map((oid) => [oid, (value: string) => value]));

/** Results cross a job queue as JSON: bigint (count(*), int8) becomes a number when exact. */
const jsonSafe = (value: unknown): unknown =>
  typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;

const init = workerData as WorkerInit;
const port = parentPort!;

async function start(): Promise<PGlite> {
  if (init.dump) return PGlite.create({ loadDataDir: init.dump, parsers: asText });
  const db = await PGlite.create({ parsers: asText });
  await db.exec(init.setupSql);
  return db;
}

/**
 * Ends a run's transaction and says whether the run changed the dataset for later runs: it
 * did if its own transaction was not the one rolled back here (it COMMITted, or chained a new
 * one), so the next transaction id is not the one right after it. DISCARD ALL drops session
 * state (SET, PREPARE, temporary tables) a run may have left.
 */
async function endRun(db: PGlite, xid: string): Promise<boolean> {
  await db.exec('ROLLBACK').catch(() => undefined);
  await db.exec('DISCARD ALL');
  const { rows } = await db.query<{ next: string; status: string | null }>(
    `SELECT txid_current()::text AS next, txid_status(${xid}) AS status`,
  );
  return rows[0]?.status !== 'aborted' || BigInt(rows[0].next) !== BigInt(xid) + 1n;
}

try {
  const db = await start();
  const dump = init.dump ? undefined : await db.dumpDataDir('none');
  port.postMessage({ type: 'ready', dump } satisfies WorkerMessage);
  port.on('message', async ({ id, sql, setup }: QueryRequest) => {
    let reply: QueryReply;
    try {
      await db.exec('BEGIN');
      const xid = (await db.query<{ xid: string }>('SELECT txid_current()::text AS xid')).rows[0]!.xid;
      let outcome: { ok: true; results: ResultSet[] } | { ok: false; error: string };
      try {
        if (setup) await db.exec(setup);
        const results = await db.exec(sql);
        outcome = {
          ok: true,
          results: results.map((r) => ({
            fields: r.fields.map((f) => f.name),
            rows: r.rows.map((row) => r.fields.map((f) => jsonSafe((row as Record<string, unknown>)[f.name]))),
            affectedRows: r.affectedRows,
          })),
        };
      } catch (error) {
        outcome = { ok: false, error: (error as Error).message };
      }
      reply = { id, ...outcome, dirty: await endRun(db, xid).catch(() => true) };
    } catch (error) {
      reply = { id, ok: false, error: (error as Error).message, dirty: true };
    }
    port.postMessage({ type: 'reply', ...reply } satisfies WorkerMessage);
  });
} catch (error) {
  port.postMessage({ type: 'failed', error: (error as Error).message } satisfies WorkerMessage);
}
