// One storage interface for everything durable. The embedded default is SQLite
// (sqlite-store.ts); a shared database for multi-instance mode implements the same contract.
import type { Language, Role } from '../../shared/room.ts';
import type { RunHistoryEntry, RunResult } from '../../shared/run.ts';
import type { Scorecard, ScorecardDraft } from '../../shared/scorecard.ts';

export interface RoomRecord {
  id: string;
  title: string;
  language: Language;
  createdAtMs: number;
  /** Set when an interviewer ended the interview: candidate links stop working. */
  endedAtMs: number | null;
}

export interface RoomTokenRecord {
  tokenHash: string;
  role: Role;
}

export type SaveDraftOutcome = 'saved' | 'locked';
export type SubmitOutcome = 'submitted' | 'already-submitted' | 'no-draft';

/** One logged Yjs update: who made it and when, kept for replay even after compaction. */
export interface LoggedUpdate {
  seq: number;
  update: Uint8Array;
  actor: string;
  createdAtMs: number;
}

export interface DocSnapshot {
  state: Uint8Array;
  /** The snapshot contains every logged update with seq <= uptoSeq. */
  uptoSeq: number;
}

export interface StoredDocState {
  snapshot: DocSnapshot | undefined;
  /** Updates logged after the snapshot, in order. */
  updates: LoggedUpdate[];
  /** Bytes of the room's whole update log (kept for replay), for ROOM_LOG_MAX_BYTES. */
  logBytes: number;
}

export interface Store {
  createRoom(room: RoomRecord, tokens: RoomTokenRecord[], initialUpdate: Uint8Array): Promise<void>;
  getRoom(roomId: string): Promise<RoomRecord | undefined>;
  /** The role a token hash grants in a room (revoked tokens grant nothing), or undefined. */
  findTokenRole(roomId: string, tokenHash: string): Promise<Role | undefined>;
  addToken(roomId: string, token: RoomTokenRecord): Promise<void>;
  /** Revokes every token of a role in a room (e.g. before re-issuing the candidate link). */
  revokeTokens(roomId: string, role: Role, atMs: number): Promise<void>;
  endRoom(roomId: string, atMs: number): Promise<void>;
  /** Deletes a room with everything it holds (update log, snapshots, runs, scorecards). */
  deleteRoom(roomId: string): Promise<void>;
  /** Ids of rooms created before a time (for retention). */
  listRoomIdsCreatedBefore(atMs: number): Promise<string[]>;
  listRooms(): Promise<RoomRecord[]>;
  getScorecard(roomId: string, interviewerId: string): Promise<Scorecard | undefined>;
  /** Saves a draft unless it was submitted ("locked"). */
  saveScorecardDraft(roomId: string, interviewerId: string, interviewerName: string, draft: ScorecardDraft, atMs: number): Promise<SaveDraftOutcome>;
  submitScorecard(roomId: string, interviewerId: string, atMs: number): Promise<SubmitOutcome>;
  /** Appends a change made after submitting; the submitted card is never overwritten. */
  addAmendment(roomId: string, interviewerId: string, text: string, atMs: number): Promise<void>;
  listScorecards(roomId: string): Promise<Scorecard[]>;
  /** The latest rendering of the room's whiteboard as SVG (for the report). */
  saveWhiteboardSvg(roomId: string, svg: string, atMs: number): Promise<void>;
  getWhiteboardSvg(roomId: string): Promise<string | undefined>;
  /** Stores an image of the whiteboard; files are immutable by id, so a second save of an id is ignored. */
  saveWhiteboardFile(roomId: string, fileId: string, mimeType: string, bytes: Uint8Array, atMs: number): Promise<void>;
  getWhiteboardFile(roomId: string, fileId: string): Promise<{ mimeType: string; bytes: Uint8Array } | undefined>;
  /** Bytes of every whiteboard file a room holds (WHITEBOARD_FILES_MAX_BYTES). */
  whiteboardFileBytes(roomId: string): Promise<number>;
  /** Full results of a room's runs, oldest first (for the report). */
  listRunResults(roomId: string): Promise<RunResult[]>;
  /** Durably appends an update; resolves with its sequence number once it is safe to relay. */
  appendUpdate(roomId: string, update: Uint8Array, actor: string, atMs: number): Promise<number>;
  /** Writes any batched updates now (before a sync answer shows them to someone). */
  flushPending(): void;
  loadDocState(roomId: string): Promise<StoredDocState>;
  saveSnapshot(roomId: string, snapshot: DocSnapshot, atMs: number): Promise<void>;
  /** Logged updates of a room with seq > afterSeq, in order (to fill a gap another instance left). */
  loadUpdatesAfter(roomId: string, afterSeq: number): Promise<LoggedUpdate[]>;
  /** The highest logged seq of each room (0 when it has none); rooms that do not exist are left out. */
  lastSeqs(roomIds: string[]): Promise<Map<string, number>>;
  /** Every logged update of a room (for replay and tests). */
  readUpdateLog(roomId: string): Promise<LoggedUpdate[]>;
  /** The room and role a live (unrevoked) token hash belongs to, whatever the room (for room-independent routes). */
  findToken(tokenHash: string): Promise<{ roomId: string; role: Role } | undefined>;
  /** Records that a problem was used in a room; false when it already was. */
  addRoomProblem(roomId: string, problemId: string, atMs: number): Promise<boolean>;
  /** Problems used in a room, in the order they were first used. */
  listRoomProblems(roomId: string): Promise<string[]>;
  /** Records a finished run (its history line and full result). */
  saveRun(roomId: string, entry: RunHistoryEntry, result: RunResult): Promise<void>;
  /** The newest runs of a room, newest first. */
  listRuns(roomId: string, limit: number): Promise<RunHistoryEntry[]>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
