// Runs as a child process of the server: one PGlite (Postgres in WebAssembly) holding one
// dataset. PGlite runs on the thread that calls it, so a query that never ends can only be
// stopped by killing this process; the server does that and starts a fresh one. A process,
// not a worker thread: PGlite takes ~1 GB, and inside the server's process that made every
// sandbox spawn (a fork of the server) 20-100 ms slower (bench:runs).
import { PGlite } from '@electric-sql/pglite';

export interface WorkerInit {
  type: 'init';
  /** Schema and rows of the dataset, for the first start. */
  setupSql: string;
  /** A dump of an earlier start: much faster than replaying setupSql. */
  dump?: Uint8Array;
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

export type WorkerMessage = { type: 'ready'; dump?: Uint8Array } | { type: 'failed'; error: string } | ({ type: 'reply' } & QueryReply);

// Dates and timestamps stay text exactly as Postgres prints them ("2024-05-01"), which is
// what people expect to read and what graders compare.
const TEXT_TYPES = [1082, 1114, 1184, 1083, 1266, 1186];
const asText = Object.fromEntries(TEXT_TYPES.map((oid) => [oid, (value: string) => value]));

/** Results cross a job queue as JSON: bigint (count(*), int8) becomes a number when exact. */
const jsonSafe = (value: unknown): unknown =>
  typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;

const send = (message: WorkerMessage) => process.send!(message);
// The server went away (or killed us): never outlive it.
process.on('disconnect', () => process.exit(0));

async function start(init: WorkerInit): Promise<PGlite> {
  if (init.dump) return PGlite.create({ loadDataDir: new Blob([new Uint8Array(init.dump)]), parsers: asText });
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

async function serve(init: WorkerInit): Promise<void> {
  const db = await start(init);
  const dump = init.dump ? undefined : new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  send({ type: 'ready', dump });
  process.on('message', async (message: WorkerInit | QueryRequest) => {
    if (!('id' in message)) return;
    const { id, sql, setup } = message;
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
    send({ type: 'reply', ...reply });
  });
}

process.once('message', (init: WorkerInit) => {
  serve(init).catch((error: unknown) => send({ type: 'failed', error: (error as Error).message }));
});
