// SQLite store (better-sqlite3, WAL). Writes are synchronous: by the time appendUpdate
// returns, the row is in the WAL, so a process crash right after cannot lose it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Language, Role } from '../../shared/room.ts';
import type { RunResult } from '../../shared/run.ts';
import type { Scorecard } from '../../shared/scorecard.ts';
import { RUN_HISTORY_COLUMNS, RUN_INSERT_COLUMNS, SCORECARD_COLUMNS, runHistoryEntryOf, runInsertValues, scorecardOf, type RunRow, type ScorecardRow } from './rows.ts';
import type { DocSnapshot, LoggedUpdate, RoomRecord, RoomTokenRecord, Store, StoredDocState } from './store.ts';

const SCHEMA_VERSION = 4;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS room_tokens (
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (room_id, token_hash)
);
CREATE TABLE IF NOT EXISTS yjs_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  update_bytes BLOB NOT NULL,
  actor TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS yjs_updates_room_seq ON yjs_updates(room_id, seq);
CREATE TABLE IF NOT EXISTS yjs_snapshots (
  room_id TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  state BLOB NOT NULL,
  upto_seq INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS room_tokens_hash ON room_tokens(token_hash);
CREATE TABLE IF NOT EXISTS room_problems (
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  problem_id TEXT NOT NULL,
  used_at_ms INTEGER NOT NULL,
  PRIMARY KEY (room_id, problem_id)
);
CREATE TABLE IF NOT EXISTS scorecards (
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  interviewer_id TEXT NOT NULL,
  interviewer_name TEXT NOT NULL,
  draft_json TEXT NOT NULL,
  submitted_at_ms INTEGER,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (room_id, interviewer_id)
);
CREATE TABLE IF NOT EXISTS scorecard_amendments (
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  interviewer_id TEXT NOT NULL,
  text TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS whiteboard_renderings (
  room_id TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  svg TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS whiteboard_files (
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  file_id TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  bytes BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (room_id, file_id)
);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  language TEXT NOT NULL,
  status TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  started_by_name TEXT NOT NULL,
  started_by_role TEXT NOT NULL,
  started_at TEXT NOT NULL,
  result_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_room_started ON runs(room_id, started_at);
`;

interface UpdateRow {
  seq: number;
  update_bytes: Buffer;
  actor: string;
  created_at_ms: number;
}

const toLogged = (row: UpdateRow): LoggedUpdate => ({
  seq: row.seq,
  update: new Uint8Array(row.update_bytes.buffer, row.update_bytes.byteOffset, row.update_bytes.byteLength),
  actor: row.actor,
  createdAtMs: row.created_at_ms,
});

/** Columns added after a table first shipped; CREATE TABLE IF NOT EXISTS cannot add them. */
function addColumnIfMissing(db: Database.Database, table: string, column: string, type: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

export function openSqliteStore(dataDir: string, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'rooms.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`The database in ${dataDir} was written by a newer version (schema ${version}); upgrade this server.`);
  }
  db.exec(SCHEMA);
  addColumnIfMissing(db, 'rooms', 'ended_at_ms', 'INTEGER');
  addColumnIfMissing(db, 'room_tokens', 'revoked_at_ms', 'INTEGER');
  db.pragma(`user_version = ${SCHEMA_VERSION}`);

  const insertRoom = db.prepare('INSERT INTO rooms (id, title, language, created_at_ms) VALUES (?, ?, ?, ?)');
  const insertToken = db.prepare('INSERT INTO room_tokens (room_id, token_hash, role) VALUES (?, ?, ?)');
  type RoomRow = { id: string; title: string; language: string; created_at_ms: number; ended_at_ms: number | null };
  const toRoom = (row: RoomRow): RoomRecord => ({
    id: row.id,
    title: row.title,
    language: row.language as Language,
    createdAtMs: row.created_at_ms,
    endedAtMs: row.ended_at_ms,
  });
  const selectRoom = db.prepare<[string], RoomRow>('SELECT id, title, language, created_at_ms, ended_at_ms FROM rooms WHERE id = ?');
  const selectRooms = db.prepare<[], RoomRow>('SELECT id, title, language, created_at_ms, ended_at_ms FROM rooms ORDER BY created_at_ms DESC');
  const selectTokenRole = db.prepare<[string, string], { role: Role }>(
    'SELECT role FROM room_tokens WHERE room_id = ? AND token_hash = ? AND revoked_at_ms IS NULL',
  );
  const revokeRoleTokens = db.prepare('UPDATE room_tokens SET revoked_at_ms = ? WHERE room_id = ? AND role = ? AND revoked_at_ms IS NULL');
  const deleteRoomRow = db.prepare('DELETE FROM rooms WHERE id = ?');
  const selectExpired = db.prepare<[number], { id: string }>('SELECT id FROM rooms WHERE created_at_ms < ?');
  const updateEnded = db.prepare('UPDATE rooms SET ended_at_ms = ? WHERE id = ? AND ended_at_ms IS NULL');
  const selectScorecard = db.prepare<[string, string], ScorecardRow>(
    `SELECT ${SCORECARD_COLUMNS} FROM scorecards WHERE room_id = ? AND interviewer_id = ?`,
  );
  const selectScorecards = db.prepare<[string], ScorecardRow>(
    `SELECT ${SCORECARD_COLUMNS} FROM scorecards WHERE room_id = ? ORDER BY rowid`,
  );
  const upsertDraft = db.prepare(
    `INSERT INTO scorecards (room_id, interviewer_id, interviewer_name, draft_json, submitted_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, NULL, ?)
     ON CONFLICT(room_id, interviewer_id) DO UPDATE SET interviewer_name = excluded.interviewer_name, draft_json = excluded.draft_json, updated_at_ms = excluded.updated_at_ms
     WHERE scorecards.submitted_at_ms IS NULL`,
  );
  const markSubmitted = db.prepare('UPDATE scorecards SET submitted_at_ms = ? WHERE room_id = ? AND interviewer_id = ? AND submitted_at_ms IS NULL');
  const insertAmendment = db.prepare('INSERT INTO scorecard_amendments (room_id, interviewer_id, text, at_ms) VALUES (?, ?, ?, ?)');
  const selectAmendments = db.prepare<[string, string], { text: string; at_ms: number }>(
    'SELECT text, at_ms FROM scorecard_amendments WHERE room_id = ? AND interviewer_id = ? ORDER BY at_ms, rowid',
  );
  const upsertSvg = db.prepare(
    `INSERT INTO whiteboard_renderings (room_id, svg, updated_at_ms) VALUES (?, ?, ?)
     ON CONFLICT(room_id) DO UPDATE SET svg = excluded.svg, updated_at_ms = excluded.updated_at_ms`,
  );
  const selectSvg = db.prepare<[string], { svg: string }>('SELECT svg FROM whiteboard_renderings WHERE room_id = ?');
  const insertFile = db.prepare(
    'INSERT OR IGNORE INTO whiteboard_files (room_id, file_id, mime_type, bytes, created_at_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const selectFile = db.prepare<[string, string], { mime_type: string; bytes: Buffer }>(
    'SELECT mime_type, bytes FROM whiteboard_files WHERE room_id = ? AND file_id = ?',
  );
  const selectFileBytes = db.prepare<[string], { bytes: number }>(
    'SELECT COALESCE(SUM(length(bytes)), 0) AS bytes FROM whiteboard_files WHERE room_id = ?',
  );
  const selectRunResults = db.prepare<[string], { result_json: string }>('SELECT result_json FROM runs WHERE room_id = ? ORDER BY started_at, rowid');
  const toScorecard = (roomId: string, row: ScorecardRow): Scorecard => scorecardOf(row, selectAmendments.all(roomId, row.interviewer_id));
  const insertUpdate = db.prepare(
    'INSERT INTO yjs_updates (room_id, update_bytes, actor, created_at_ms) VALUES (?, ?, ?, ?)',
  );
  const selectSnapshot = db.prepare<[string], { state: Buffer; upto_seq: number }>(
    'SELECT state, upto_seq FROM yjs_snapshots WHERE room_id = ?',
  );
  const selectLogBytes = db.prepare<[string], { bytes: number }>(
    'SELECT COALESCE(SUM(length(update_bytes)), 0) AS bytes FROM yjs_updates WHERE room_id = ?',
  );
  const selectUpdatesAfter = db.prepare<[string, number], UpdateRow>(
    'SELECT seq, update_bytes, actor, created_at_ms FROM yjs_updates WHERE room_id = ? AND seq > ? ORDER BY seq',
  );
  const selectLastSeqs = db.prepare<[string], { id: string; last_seq: number }>(
    `SELECT rooms.id, COALESCE(MAX(yjs_updates.seq), 0) AS last_seq FROM rooms LEFT JOIN yjs_updates ON yjs_updates.room_id = rooms.id
     WHERE rooms.id IN (SELECT value FROM json_each(?)) GROUP BY rooms.id`,
  );
  const upsertSnapshot = db.prepare(
    `INSERT INTO yjs_snapshots (room_id, state, upto_seq, created_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT(room_id) DO UPDATE SET state = excluded.state, upto_seq = excluded.upto_seq, created_at_ms = excluded.created_at_ms
     WHERE excluded.upto_seq > yjs_snapshots.upto_seq`,
  );

  const insertRun = db.prepare(`INSERT INTO runs (${RUN_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const selectRuns = db.prepare<[string, number], RunRow>(
    `SELECT ${RUN_HISTORY_COLUMNS} FROM runs WHERE room_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
  );

  const selectToken = db.prepare<[string], { room_id: string; role: Role }>('SELECT room_id, role FROM room_tokens WHERE token_hash = ? AND revoked_at_ms IS NULL');
  const insertRoomProblem = db.prepare('INSERT OR IGNORE INTO room_problems (room_id, problem_id, used_at_ms) VALUES (?, ?, ?)');
  const selectRoomProblems = db.prepare<[string], { problem_id: string }>(
    'SELECT problem_id FROM room_problems WHERE room_id = ? ORDER BY used_at_ms, rowid',
  );

  interface PendingUpdate {
    roomId: string;
    update: Uint8Array;
    actor: string;
    atMs: number;
    resolve(seq: number): void;
    reject(error: unknown): void;
  }
  let pendingUpdates: PendingUpdate[] = [];
  const insertUpdates = db.transaction((batch: PendingUpdate[]) =>
    batch.map((p) => Number(insertUpdate.run(p.roomId, p.update, p.actor, p.atMs).lastInsertRowid)),
  );
  function flushPendingUpdates(): void {
    const batch = pendingUpdates;
    pendingUpdates = [];
    if (batch.length === 0 || !db.open) return;
    try {
      insertUpdates(batch).forEach((seq, i) => batch[i]!.resolve(seq));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  const createRoomTx = db.transaction((room: RoomRecord, tokens: RoomTokenRecord[], initialUpdate: Uint8Array) => {
    insertRoom.run(room.id, room.title, room.language, room.createdAtMs);
    for (const token of tokens) insertToken.run(room.id, token.tokenHash, token.role);
    insertUpdate.run(room.id, initialUpdate, 'server', room.createdAtMs);
  });

  return {
    async createRoom(room, tokens, initialUpdate) {
      createRoomTx(room, tokens, initialUpdate);
    },
    async getRoom(roomId) {
      const row = selectRoom.get(roomId);
      return row ? toRoom(row) : undefined;
    },
    async listRooms() {
      return selectRooms.all().map(toRoom);
    },
    async addToken(roomId, token) {
      insertToken.run(roomId, token.tokenHash, token.role);
    },
    async revokeTokens(roomId, role, atMs) {
      revokeRoleTokens.run(atMs, roomId, role);
    },
    async endRoom(roomId, atMs) {
      updateEnded.run(atMs, roomId);
    },
    async deleteRoom(roomId) {
      // Every table references rooms ON DELETE CASCADE.
      deleteRoomRow.run(roomId);
    },
    async listRoomIdsCreatedBefore(atMs) {
      return selectExpired.all(atMs).map((row) => row.id);
    },
    async getScorecard(roomId, interviewerId) {
      const row = selectScorecard.get(roomId, interviewerId);
      return row ? toScorecard(roomId, row) : undefined;
    },
    async saveScorecardDraft(roomId, interviewerId, interviewerName, draft, atMs) {
      const changed = upsertDraft.run(roomId, interviewerId, interviewerName, JSON.stringify(draft), atMs).changes;
      return changed > 0 ? 'saved' : 'locked';
    },
    async submitScorecard(roomId, interviewerId, atMs) {
      if (markSubmitted.run(atMs, roomId, interviewerId).changes > 0) return 'submitted';
      return selectScorecard.get(roomId, interviewerId) ? 'already-submitted' : 'no-draft';
    },
    async addAmendment(roomId, interviewerId, text, atMs) {
      insertAmendment.run(roomId, interviewerId, text, atMs);
    },
    async listScorecards(roomId) {
      return selectScorecards.all(roomId).map((row) => toScorecard(roomId, row));
    },
    async saveWhiteboardSvg(roomId, svg, atMs) {
      upsertSvg.run(roomId, svg, atMs);
    },
    async getWhiteboardSvg(roomId) {
      return selectSvg.get(roomId)?.svg;
    },
    async saveWhiteboardFile(roomId, fileId, mimeType, bytes, atMs) {
      insertFile.run(roomId, fileId, mimeType, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), atMs);
    },
    async whiteboardFileBytes(roomId) {
      return selectFileBytes.get(roomId)?.bytes ?? 0;
    },
    async getWhiteboardFile(roomId, fileId) {
      const row = selectFile.get(roomId, fileId);
      return row ? { mimeType: row.mime_type, bytes: new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) } : undefined;
    },
    async listRunResults(roomId) {
      return selectRunResults.all(roomId).map((row) => JSON.parse(row.result_json) as RunResult);
    },
    async findTokenRole(roomId, tokenHash) {
      return selectTokenRole.get(roomId, tokenHash)?.role;
    },
    appendUpdate(roomId, update, actor, atMs) {
      // Batched: every update that arrives in one turn of the event loop is written in one
      // transaction (one commit per update cost a third of the server's CPU under load). The
      // promise resolves once the row is written, and callers relay only then.
      return new Promise((resolve, reject) => {
        pendingUpdates.push({ roomId, update, actor, atMs, resolve, reject });
        if (pendingUpdates.length === 1) setImmediate(flushPendingUpdates);
      });
    },
    flushPending: flushPendingUpdates,
    async loadDocState(roomId): Promise<StoredDocState> {
      flushPendingUpdates();
      const snap = selectSnapshot.get(roomId);
      const snapshot: DocSnapshot | undefined = snap
        ? { state: new Uint8Array(snap.state), uptoSeq: snap.upto_seq }
        : undefined;
      const updates = selectUpdatesAfter.all(roomId, snapshot?.uptoSeq ?? 0).map(toLogged);
      return { snapshot, updates, logBytes: selectLogBytes.get(roomId)?.bytes ?? 0 };
    },
    async saveSnapshot(roomId, snapshot, atMs) {
      upsertSnapshot.run(roomId, snapshot.state, snapshot.uptoSeq, atMs);
    },
    async loadUpdatesAfter(roomId, afterSeq) {
      flushPendingUpdates();
      return selectUpdatesAfter.all(roomId, afterSeq).map(toLogged);
    },
    async lastSeqs(roomIds) {
      flushPendingUpdates();
      return new Map(selectLastSeqs.all(JSON.stringify(roomIds)).map((row) => [row.id, row.last_seq]));
    },
    async readUpdateLog(roomId) {
      flushPendingUpdates();
      return selectUpdatesAfter.all(roomId, 0).map(toLogged);
    },
    async findToken(tokenHash) {
      const row = selectToken.get(tokenHash);
      return row ? { roomId: row.room_id, role: row.role } : undefined;
    },
    async addRoomProblem(roomId, problemId, atMs) {
      return insertRoomProblem.run(roomId, problemId, atMs).changes > 0;
    },
    async listRoomProblems(roomId) {
      return selectRoomProblems.all(roomId).map((row) => row.problem_id);
    },
    async saveRun(roomId, entry, result) {
      insertRun.run(...runInsertValues(roomId, entry, result));
    },
    async listRuns(roomId, limit) {
      return selectRuns.all(roomId, limit).map(runHistoryEntryOf);
    },
    async healthy() {
      return db.prepare('SELECT 1 AS ok').get() !== undefined;
    },
    async close() {
      if (!db.open) return;
      flushPendingUpdates();
      db.close();
    },
  };
}
