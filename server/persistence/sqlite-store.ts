// SQLite store (better-sqlite3, WAL). Writes are synchronous: by the time appendUpdate
// returns, the row is in the WAL, so a process crash right after cannot lose it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Language, Role } from '../../shared/room.ts';
import type { RunHistoryEntry, RunStatus } from '../../shared/run.ts';
import type { DocSnapshot, LoggedUpdate, RoomRecord, RoomTokenRecord, Store, StoredDocState } from './store.ts';

const SCHEMA_VERSION = 3;

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
  db.pragma(`user_version = ${SCHEMA_VERSION}`);

  const insertRoom = db.prepare('INSERT INTO rooms (id, title, language, created_at_ms) VALUES (?, ?, ?, ?)');
  const insertToken = db.prepare('INSERT INTO room_tokens (room_id, token_hash, role) VALUES (?, ?, ?)');
  const selectRoom = db.prepare<[string], { id: string; title: string; language: string; created_at_ms: number }>(
    'SELECT id, title, language, created_at_ms FROM rooms WHERE id = ?',
  );
  const selectTokenRole = db.prepare<[string, string], { role: Role }>(
    'SELECT role FROM room_tokens WHERE room_id = ? AND token_hash = ?',
  );
  const insertUpdate = db.prepare(
    'INSERT INTO yjs_updates (room_id, update_bytes, actor, created_at_ms) VALUES (?, ?, ?, ?)',
  );
  const selectSnapshot = db.prepare<[string], { state: Buffer; upto_seq: number }>(
    'SELECT state, upto_seq FROM yjs_snapshots WHERE room_id = ?',
  );
  const selectUpdatesAfter = db.prepare<[string, number], UpdateRow>(
    'SELECT seq, update_bytes, actor, created_at_ms FROM yjs_updates WHERE room_id = ? AND seq > ? ORDER BY seq',
  );
  const upsertSnapshot = db.prepare(
    `INSERT INTO yjs_snapshots (room_id, state, upto_seq, created_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT(room_id) DO UPDATE SET state = excluded.state, upto_seq = excluded.upto_seq, created_at_ms = excluded.created_at_ms
     WHERE excluded.upto_seq > yjs_snapshots.upto_seq`,
  );

  const insertRun = db.prepare(
    `INSERT INTO runs (run_id, room_id, language, status, duration_ms, started_by_name, started_by_role, started_at, result_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectRuns = db.prepare<
    [string, number],
    { run_id: string; language: string; status: string; duration_ms: number; started_by_name: string; started_by_role: string; started_at: string }
  >(
    `SELECT run_id, language, status, duration_ms, started_by_name, started_by_role, started_at
     FROM runs WHERE room_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
  );

  const selectToken = db.prepare<[string], { room_id: string; role: Role }>('SELECT room_id, role FROM room_tokens WHERE token_hash = ?');
  const insertRoomProblem = db.prepare('INSERT OR IGNORE INTO room_problems (room_id, problem_id, used_at_ms) VALUES (?, ?, ?)');
  const selectRoomProblems = db.prepare<[string], { problem_id: string }>(
    'SELECT problem_id FROM room_problems WHERE room_id = ? ORDER BY used_at_ms, rowid',
  );

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
      if (!row) return undefined;
      return { id: row.id, title: row.title, language: row.language as RoomRecord['language'], createdAtMs: row.created_at_ms };
    },
    async findTokenRole(roomId, tokenHash) {
      return selectTokenRole.get(roomId, tokenHash)?.role;
    },
    appendUpdate(roomId, update, actor, atMs) {
      // Synchronous on purpose: the row is written before this call returns.
      const result = insertUpdate.run(roomId, update, actor, atMs);
      return Promise.resolve(Number(result.lastInsertRowid));
    },
    async loadDocState(roomId): Promise<StoredDocState> {
      const snap = selectSnapshot.get(roomId);
      const snapshot: DocSnapshot | undefined = snap
        ? { state: new Uint8Array(snap.state), uptoSeq: snap.upto_seq }
        : undefined;
      const updates = selectUpdatesAfter.all(roomId, snapshot?.uptoSeq ?? 0).map(toLogged);
      return { snapshot, updates };
    },
    async saveSnapshot(roomId, snapshot, atMs) {
      upsertSnapshot.run(roomId, snapshot.state, snapshot.uptoSeq, atMs);
    },
    async readUpdateLog(roomId) {
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
      insertRun.run(
        entry.runId,
        roomId,
        entry.language,
        entry.status,
        entry.durationMs,
        entry.startedBy.name,
        entry.startedBy.role,
        entry.startedAt,
        JSON.stringify(result),
      );
    },
    async listRuns(roomId, limit) {
      return selectRuns.all(roomId, limit).map(
        (row): RunHistoryEntry => ({
          runId: row.run_id,
          language: row.language as Language,
          status: row.status as RunStatus,
          durationMs: row.duration_ms,
          startedBy: { name: row.started_by_name, role: row.started_by_role },
          startedAt: row.started_at,
        }),
      );
    },
    async healthy() {
      return db.prepare('SELECT 1 AS ok').get() !== undefined;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
