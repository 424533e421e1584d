// PostgreSQL store: the shared database of multi-instance mode. Same contract and semantics
// as the SQLite store (sqlite-store.ts), with what several instances writing at once needs:
//
// - The Yjs update log is numbered per room: rooms.last_seq is the room's counter, and an
//   append takes the room's row lock to allocate seqs in the same transaction as the insert.
//   So the seqs of a room are 1, 2, 3, … without gaps, and seq N+1 is committed only after
//   seq N, whichever instance wrote them (other instances fill relay gaps by seq).
// - Appends are batched: every update that arrives in one turn of the event loop is written
//   in one transaction (one multi-row INSERT). Only one batch is in flight at a time, so a
//   room's updates get seqs in the order appendUpdate was called; updates arriving meanwhile
//   form the next batch, which starts as soon as the current one commits.
import pg from 'pg';
import type { Language, Role } from '../../shared/room.ts';
import type { RunResult } from '../../shared/run.ts';
import type { Scorecard } from '../../shared/scorecard.ts';
import { RUN_HISTORY_COLUMNS, RUN_INSERT_COLUMNS, SCORECARD_COLUMNS, runHistoryEntryOf, runInsertValues, scorecardOf, type RunRow, type ScorecardRow } from './rows.ts';
import type { DocSnapshot, LoggedUpdate, RoomRecord, RoomTokenRecord, Store, StoredDocState } from './store.ts';

const SCHEMA_VERSION = 1;

/** Key of the transaction-scoped advisory lock that serialises schema creation across instances. */
const SCHEMA_LOCK_KEY = 0x696e7476; // "intv"

// `ord` identity columns give the insertion order SQLite gets from rowid.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_meta (
  id integer PRIMARY KEY CHECK (id = 1),
  version integer NOT NULL
);
CREATE TABLE IF NOT EXISTS rooms (
  id text PRIMARY KEY,
  title text NOT NULL,
  language text NOT NULL,
  created_at_ms bigint NOT NULL,
  ended_at_ms bigint,
  last_seq bigint NOT NULL DEFAULT 0,
  ord bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS rooms_created ON rooms(created_at_ms);
CREATE TABLE IF NOT EXISTS room_tokens (
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  token_hash text NOT NULL,
  role text NOT NULL,
  revoked_at_ms bigint,
  PRIMARY KEY (room_id, token_hash)
);
CREATE INDEX IF NOT EXISTS room_tokens_hash ON room_tokens(token_hash);
CREATE TABLE IF NOT EXISTS yjs_updates (
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  update_bytes bytea NOT NULL,
  actor text NOT NULL,
  created_at_ms bigint NOT NULL,
  PRIMARY KEY (room_id, seq)
);
CREATE TABLE IF NOT EXISTS yjs_snapshots (
  room_id text PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  state bytea NOT NULL,
  upto_seq bigint NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS room_problems (
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  problem_id text NOT NULL,
  used_at_ms bigint NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (room_id, problem_id)
);
CREATE TABLE IF NOT EXISTS scorecards (
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  interviewer_id text NOT NULL,
  interviewer_name text NOT NULL,
  draft_json text NOT NULL,
  submitted_at_ms bigint,
  updated_at_ms bigint NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (room_id, interviewer_id)
);
CREATE TABLE IF NOT EXISTS scorecard_amendments (
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  interviewer_id text NOT NULL,
  text text NOT NULL,
  at_ms bigint NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS scorecard_amendments_room ON scorecard_amendments(room_id, interviewer_id);
CREATE TABLE IF NOT EXISTS whiteboard_renderings (
  room_id text PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  svg text NOT NULL,
  updated_at_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS whiteboard_files (
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  file_id text NOT NULL,
  mime_type text NOT NULL,
  bytes bytea NOT NULL,
  created_at_ms bigint NOT NULL,
  PRIMARY KEY (room_id, file_id)
);
CREATE TABLE IF NOT EXISTS runs (
  run_id text PRIMARY KEY,
  room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  language text NOT NULL,
  status text NOT NULL,
  duration_ms bigint NOT NULL,
  started_by_name text NOT NULL,
  started_by_role text NOT NULL,
  started_at text NOT NULL,
  result_json text NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS runs_room_started ON runs(room_id, started_at);
`;

const INT8_OID = 20;

/** bigint columns hold ms timestamps and counters, all far below 2^53: parse them to numbers. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const bytesOf = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
const bufferOf = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

interface RoomRow {
  id: string;
  title: string;
  language: string;
  created_at_ms: number;
  ended_at_ms: number | null;
}
const toRoom = (row: RoomRow): RoomRecord => ({
  id: row.id,
  title: row.title,
  language: row.language as Language,
  createdAtMs: row.created_at_ms,
  endedAtMs: row.ended_at_ms,
});

interface UpdateRow {
  seq: number;
  update_bytes: Buffer;
  actor: string;
  created_at_ms: number;
}
const toLogged = (row: UpdateRow): LoggedUpdate => ({
  seq: row.seq,
  update: bytesOf(row.update_bytes),
  actor: row.actor,
  createdAtMs: row.created_at_ms,
});

interface AmendmentRow {
  interviewer_id: string;
  text: string;
  at_ms: number;
}
const toScorecard = (row: ScorecardRow, amendments: AmendmentRow[]): Scorecard =>
  scorecardOf(row, amendments.filter((a) => a.interviewer_id === row.interviewer_id));

const UPDATE_COLUMNS = 'seq, update_bytes, actor, created_at_ms';

interface PendingUpdate {
  roomId: string;
  update: Uint8Array;
  actor: string;
  atMs: number;
  resolve(seq: number): void;
  reject(error: unknown): void;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface PostgresStoreOptions {
  /** Connections this instance keeps to the database. */
  poolSize: number;
  /** Errors of idle connections (e.g. the server restarted); they never crash the process. */
  onPoolError?: (error: Error) => void;
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    types,
    keepAlive: true,
    // Also bounds the wait for a free connection: a dead database fails requests instead of hanging them.
    connectionTimeoutMillis: 30_000,
  });
  // An idle connection that breaks (database restart, network) is emitted here; without a
  // listener it would be an uncaught 'error' event. The next query gets a fresh connection.
  pool.on('error', (error) => options.onPoolError?.(error));

  /** Runs fn on one connection inside BEGIN … COMMIT (ROLLBACK when it throws). */
  async function transaction<T>(begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // A checked-out connection has no error listener of the pool's: keep a broken connection
    // from becoming an uncaught 'error' event (the pending query rejects anyway).
    const onError = () => {};
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
      // A connection that could not roll back is discarded, not returned to the pool.
      client.release(broken);
    }
  }

  try {
    await transaction('BEGIN', async (client) => {
      // Several instances starting at once: CREATE TABLE IF NOT EXISTS is not safe to race.
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
      await client.query(SCHEMA);
      await client.query('INSERT INTO schema_meta (id, version) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [SCHEMA_VERSION]);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_meta WHERE id = 1');
      const version = rows[0]?.version ?? SCHEMA_VERSION;
      if (version > SCHEMA_VERSION) {
        throw new Error(`The database was written by a newer version (schema ${version}); upgrade this server.`);
      }
      if (version < SCHEMA_VERSION) await client.query('UPDATE schema_meta SET version = $1 WHERE id = 1', [SCHEMA_VERSION]);
    });
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }

  const q = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => pool.query<R>(text, values);

  // ---- Batched appends ----------------------------------------------------------------

  let closed = false;
  /** Updates waiting for the next batch, in call order. */
  let queue: PendingUpdate[] = [];
  /** Resolves when the batch that will take the current queue has finished (committed or failed). */
  let queueWritten = deferred();
  /** The batch being written: at most one, so per-room seq order follows call order. */
  let inFlight: { rooms: Set<string>; written: Promise<void> } | undefined;
  let scheduled = false;

  /**
   * Appends a whole batch, every room in it, in one autocommitted statement: one round trip
   * and one commit however many rooms typed meanwhile (bench:scale, 150 rooms: PostgreSQL's
   * CPU per keystroke fell by 40-60% against a statement per room).
   * The rooms' rows are locked in id order, so two instances writing overlapping rooms wait
   * for each other but never deadlock; each UPDATE allocates its room's seqs and holds the row
   * until commit, so seq N+1 is never visible before seq N. Rooms that do not exist get no
   * row in the answer.
   */
  async function appendBatch(batch: PendingUpdate[]): Promise<Map<string, number>> {
    // Named: each connection plans it once (planning this statement cost more than running it).
    const { rows } = await pool.query<{ room_id: string; first_seq: string | number }>({
      name: 'append-updates',
      text: `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bigint[]) WITH ORDINALITY AS u(room_id, bytes, actor, at_ms, ord)
       ), counts AS (
         SELECT room_id, count(*) AS n FROM input GROUP BY room_id
       ), locked AS (
         SELECT rooms.id FROM rooms JOIN counts ON counts.room_id = rooms.id ORDER BY rooms.id FOR UPDATE OF rooms
       ), allocated AS (
         UPDATE rooms SET last_seq = rooms.last_seq + counts.n FROM counts, locked
         WHERE rooms.id = counts.room_id AND locked.id = rooms.id
         RETURNING rooms.id, rooms.last_seq - counts.n AS before_seq
       ), inserted AS (
         INSERT INTO yjs_updates (room_id, seq, update_bytes, actor, created_at_ms)
         SELECT input.room_id, allocated.before_seq + row_number() OVER (PARTITION BY input.room_id ORDER BY input.ord), input.bytes, input.actor, input.at_ms
         FROM input JOIN allocated ON allocated.id = input.room_id
       )
       SELECT id AS room_id, before_seq + 1 AS first_seq FROM allocated`,
      values: [batch.map((p) => p.roomId), batch.map((p) => bufferOf(p.update)), batch.map((p) => p.actor), batch.map((p) => p.atMs)],
    });
    return new Map(rows.map((row) => [row.room_id, Number(row.first_seq)]));
  }

  async function writeBatch(batch: PendingUpdate[]): Promise<void> {
    let firstSeqs: Map<string, number>;
    try {
      firstSeqs = await appendBatch(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    // Seqs follow call order within a room, as the statement numbered them.
    const next = new Map(firstSeqs);
    for (const pending of batch) {
      const seq = next.get(pending.roomId);
      if (seq === undefined) {
        pending.reject(new Error(`Cannot store an update: room ${pending.roomId} does not exist (deleted?)`));
        continue;
      }
      pending.resolve(seq);
      next.set(pending.roomId, seq + 1);
    }
  }

  function startBatch(): void {
    if (inFlight || queue.length === 0) return;
    const batch = queue;
    const written = queueWritten;
    queue = [];
    queueWritten = deferred();
    const current = { rooms: new Set(batch.map((p) => p.roomId)), written: written.promise };
    inFlight = current;
    void writeBatch(batch).finally(() => {
      inFlight = undefined;
      written.resolve();
      // What arrived while this batch was written goes next, right away.
      startBatch();
    });
  }

  /**
   * Starts writing the queued updates now instead of at the end of this event-loop turn.
   * It cannot be synchronous like SQLite's: the write completes later, and the appendUpdate
   * promises resolve after COMMIT. When a batch is already in flight, the queued updates
   * follow as soon as it commits (which happens without waiting for a turn anyway).
   */
  function flushPending(): void {
    startBatch();
  }

  /** Waits until every update of a room appended before this call is written (or failed). */
  async function settledFor(roomId: string): Promise<void> {
    const waits: Promise<void>[] = [];
    if (inFlight?.rooms.has(roomId)) waits.push(inFlight.written);
    if (queue.some((p) => p.roomId === roomId)) {
      waits.push(queueWritten.promise);
      flushPending();
    }
    await Promise.all(waits);
  }

  async function selectUpdatesAfter(roomId: string, afterSeq: number): Promise<LoggedUpdate[]> {
    const { rows } = await q<UpdateRow>(
      `SELECT ${UPDATE_COLUMNS} FROM yjs_updates WHERE room_id = $1 AND seq > $2 ORDER BY seq`,
      [roomId, afterSeq],
    );
    return rows.map(toLogged);
  }

  async function amendmentsOf(roomId: string, interviewerId?: string): Promise<AmendmentRow[]> {
    const { rows } = await q<AmendmentRow>(
      `SELECT interviewer_id, text, at_ms FROM scorecard_amendments
       WHERE room_id = $1 AND ($2::text IS NULL OR interviewer_id = $2) ORDER BY at_ms, ord`,
      [roomId, interviewerId ?? null],
    );
    return rows;
  }

  return {
    async createRoom(room, tokens, initialUpdate) {
      await transaction('BEGIN', async (client) => {
        await client.query('INSERT INTO rooms (id, title, language, created_at_ms, last_seq) VALUES ($1, $2, $3, $4, 1)', [
          room.id,
          room.title,
          room.language,
          room.createdAtMs,
        ]);
        if (tokens.length > 0) {
          await client.query(
            'INSERT INTO room_tokens (room_id, token_hash, role) SELECT $1, * FROM unnest($2::text[], $3::text[])',
            [room.id, tokens.map((t) => t.tokenHash), tokens.map((t) => t.role)],
          );
        }
        await client.query(
          "INSERT INTO yjs_updates (room_id, seq, update_bytes, actor, created_at_ms) VALUES ($1, 1, $2, 'server', $3)",
          [room.id, bufferOf(initialUpdate), room.createdAtMs],
        );
      });
    },
    async getRoom(roomId) {
      const { rows } = await q<RoomRow>('SELECT id, title, language, created_at_ms, ended_at_ms FROM rooms WHERE id = $1', [roomId]);
      return rows[0] ? toRoom(rows[0]) : undefined;
    },
    async listRooms() {
      const { rows } = await q<RoomRow>('SELECT id, title, language, created_at_ms, ended_at_ms FROM rooms ORDER BY created_at_ms DESC, ord');
      return rows.map(toRoom);
    },
    async findTokenRole(roomId, tokenHash) {
      const { rows } = await q<{ role: Role }>(
        'SELECT role FROM room_tokens WHERE room_id = $1 AND token_hash = $2 AND revoked_at_ms IS NULL',
        [roomId, tokenHash],
      );
      return rows[0]?.role;
    },
    async addToken(roomId, token) {
      await q('INSERT INTO room_tokens (room_id, token_hash, role) VALUES ($1, $2, $3)', [roomId, token.tokenHash, token.role]);
    },
    async revokeTokens(roomId, role, atMs) {
      await q('UPDATE room_tokens SET revoked_at_ms = $1 WHERE room_id = $2 AND role = $3 AND revoked_at_ms IS NULL', [atMs, roomId, role]);
    },
    async endRoom(roomId, atMs) {
      await q('UPDATE rooms SET ended_at_ms = $1 WHERE id = $2 AND ended_at_ms IS NULL', [atMs, roomId]);
    },
    async deleteRoom(roomId) {
      // Every table references rooms ON DELETE CASCADE.
      await q('DELETE FROM rooms WHERE id = $1', [roomId]);
    },
    async listRoomIdsCreatedBefore(atMs) {
      const { rows } = await q<{ id: string }>('SELECT id FROM rooms WHERE created_at_ms < $1 ORDER BY ord', [atMs]);
      return rows.map((row) => row.id);
    },
    async getScorecard(roomId, interviewerId) {
      const { rows } = await q<ScorecardRow>(
        `SELECT ${SCORECARD_COLUMNS} FROM scorecards WHERE room_id = $1 AND interviewer_id = $2`,
        [roomId, interviewerId],
      );
      return rows[0] ? toScorecard(rows[0], await amendmentsOf(roomId, interviewerId)) : undefined;
    },
    async saveScorecardDraft(roomId, interviewerId, interviewerName, draft, atMs) {
      const { rowCount } = await q(
        `INSERT INTO scorecards (room_id, interviewer_id, interviewer_name, draft_json, submitted_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, NULL, $5)
         ON CONFLICT (room_id, interviewer_id) DO UPDATE
           SET interviewer_name = excluded.interviewer_name, draft_json = excluded.draft_json, updated_at_ms = excluded.updated_at_ms
           WHERE scorecards.submitted_at_ms IS NULL`,
        [roomId, interviewerId, interviewerName, JSON.stringify(draft), atMs],
      );
      return (rowCount ?? 0) > 0 ? 'saved' : 'locked';
    },
    async submitScorecard(roomId, interviewerId, atMs) {
      const { rowCount } = await q(
        'UPDATE scorecards SET submitted_at_ms = $1 WHERE room_id = $2 AND interviewer_id = $3 AND submitted_at_ms IS NULL',
        [atMs, roomId, interviewerId],
      );
      if ((rowCount ?? 0) > 0) return 'submitted';
      const { rows } = await q('SELECT 1 FROM scorecards WHERE room_id = $1 AND interviewer_id = $2', [roomId, interviewerId]);
      return rows.length > 0 ? 'already-submitted' : 'no-draft';
    },
    async addAmendment(roomId, interviewerId, text, atMs) {
      await q('INSERT INTO scorecard_amendments (room_id, interviewer_id, text, at_ms) VALUES ($1, $2, $3, $4)', [roomId, interviewerId, text, atMs]);
    },
    async listScorecards(roomId) {
      const [{ rows }, amendments] = await Promise.all([
        q<ScorecardRow>(`SELECT ${SCORECARD_COLUMNS} FROM scorecards WHERE room_id = $1 ORDER BY ord`, [roomId]),
        amendmentsOf(roomId),
      ]);
      return rows.map((row) => toScorecard(row, amendments));
    },
    async saveWhiteboardSvg(roomId, svg, atMs) {
      await q(
        `INSERT INTO whiteboard_renderings (room_id, svg, updated_at_ms) VALUES ($1, $2, $3)
         ON CONFLICT (room_id) DO UPDATE SET svg = excluded.svg, updated_at_ms = excluded.updated_at_ms`,
        [roomId, svg, atMs],
      );
    },
    async getWhiteboardSvg(roomId) {
      const { rows } = await q<{ svg: string }>('SELECT svg FROM whiteboard_renderings WHERE room_id = $1', [roomId]);
      return rows[0]?.svg;
    },
    async whiteboardFileBytes(roomId) {
      const { rows } = await q<{ bytes: string }>(
        'SELECT COALESCE(SUM(octet_length(bytes)), 0)::text AS bytes FROM whiteboard_files WHERE room_id = $1',
        [roomId],
      );
      return Number(rows[0]?.bytes ?? 0);
    },
    async saveWhiteboardFile(roomId, fileId, mimeType, bytes, atMs) {
      await q(
        `INSERT INTO whiteboard_files (room_id, file_id, mime_type, bytes, created_at_ms) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (room_id, file_id) DO NOTHING`,
        [roomId, fileId, mimeType, bufferOf(bytes), atMs],
      );
    },
    async getWhiteboardFile(roomId, fileId) {
      const { rows } = await q<{ mime_type: string; bytes: Buffer }>(
        'SELECT mime_type, bytes FROM whiteboard_files WHERE room_id = $1 AND file_id = $2',
        [roomId, fileId],
      );
      return rows[0] ? { mimeType: rows[0].mime_type, bytes: bytesOf(rows[0].bytes) } : undefined;
    },
    async listRunResults(roomId) {
      const { rows } = await q<{ result_json: string }>('SELECT result_json FROM runs WHERE room_id = $1 ORDER BY started_at, ord', [roomId]);
      return rows.map((row) => JSON.parse(row.result_json) as RunResult);
    },
    appendUpdate(roomId, update, actor, atMs) {
      return new Promise<number>((resolve, reject) => {
        if (closed) {
          reject(new Error('The store is closed'));
          return;
        }
        queue.push({ roomId, update, actor, atMs, resolve, reject });
        // One batch per event-loop turn; while a batch is in flight, the next starts when it commits.
        if (!scheduled && !inFlight) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            startBatch();
          });
        }
      });
    },
    flushPending,
    async loadDocState(roomId): Promise<StoredDocState> {
      await settledFor(roomId);
      // One snapshot of the database for both reads.
      return transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
        const snap = await client.query<{ state: Buffer; upto_seq: number }>(
          'SELECT state, upto_seq FROM yjs_snapshots WHERE room_id = $1',
          [roomId],
        );
        const row = snap.rows[0];
        const snapshot: DocSnapshot | undefined = row ? { state: bytesOf(row.state), uptoSeq: row.upto_seq } : undefined;
        const updates = await client.query<UpdateRow>(
          `SELECT ${UPDATE_COLUMNS} FROM yjs_updates WHERE room_id = $1 AND seq > $2 ORDER BY seq`,
          [roomId, snapshot?.uptoSeq ?? 0],
        );
        const log = await client.query<{ bytes: string }>(
          'SELECT COALESCE(SUM(octet_length(update_bytes)), 0)::text AS bytes FROM yjs_updates WHERE room_id = $1',
          [roomId],
        );
        return { snapshot, updates: updates.rows.map(toLogged), logBytes: Number(log.rows[0]?.bytes ?? 0) };
      });
    },
    async saveSnapshot(roomId, snapshot, atMs) {
      await q(
        `INSERT INTO yjs_snapshots (room_id, state, upto_seq, created_at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (room_id) DO UPDATE SET state = excluded.state, upto_seq = excluded.upto_seq, created_at_ms = excluded.created_at_ms
         WHERE excluded.upto_seq > yjs_snapshots.upto_seq`,
        [roomId, bufferOf(snapshot.state), snapshot.uptoSeq, atMs],
      );
    },
    async loadUpdatesAfter(roomId, afterSeq) {
      await settledFor(roomId);
      return selectUpdatesAfter(roomId, afterSeq);
    },
    async lastSeqs(roomIds) {
      const { rows } = await q<{ id: string; last_seq: string | number }>('SELECT id, last_seq FROM rooms WHERE id = ANY($1::text[])', [roomIds]);
      return new Map(rows.map((row) => [row.id, Number(row.last_seq)]));
    },
    async readUpdateLog(roomId) {
      await settledFor(roomId);
      return selectUpdatesAfter(roomId, 0);
    },
    async findToken(tokenHash) {
      // Like the SQLite store: revoked tokens are found too (callers check the role they need).
      const { rows } = await q<{ room_id: string; role: Role }>('SELECT room_id, role FROM room_tokens WHERE token_hash = $1 AND revoked_at_ms IS NULL LIMIT 1', [tokenHash]);
      return rows[0] ? { roomId: rows[0].room_id, role: rows[0].role } : undefined;
    },
    async addRoomProblem(roomId, problemId, atMs) {
      const { rowCount } = await q(
        'INSERT INTO room_problems (room_id, problem_id, used_at_ms) VALUES ($1, $2, $3) ON CONFLICT (room_id, problem_id) DO NOTHING',
        [roomId, problemId, atMs],
      );
      return (rowCount ?? 0) > 0;
    },
    async listRoomProblems(roomId) {
      const { rows } = await q<{ problem_id: string }>('SELECT problem_id FROM room_problems WHERE room_id = $1 ORDER BY used_at_ms, ord', [roomId]);
      return rows.map((row) => row.problem_id);
    },
    async saveRun(roomId, entry, result) {
      await q(`INSERT INTO runs (${RUN_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, runInsertValues(roomId, entry, result));
    },
    async listRuns(roomId, limit) {
      const { rows } = await q<RunRow>(
        `SELECT ${RUN_HISTORY_COLUMNS} FROM runs WHERE room_id = $1 ORDER BY started_at DESC, ord DESC LIMIT $2`,
        // SQLite reads a negative LIMIT as "no limit"; LIMIT NULL is PostgreSQL's.
        [roomId, limit < 0 ? null : limit],
      );
      return rows.map(runHistoryEntryOf);
    },
    async healthy() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // Write what is queued and wait for it, then end the pool.
      flushPending();
      while (inFlight) await inFlight.written;
      await pool.end();
    },
  };
}
