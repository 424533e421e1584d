// Rows as both stores read and write them (the same column names in SQLite and PostgreSQL),
// and their conversion to the shared types, so the two stores cannot drift apart.
import type { Language, Role } from '../../shared/room.ts';
import type { RunHistoryEntry, RunResult, RunStatus } from '../../shared/run.ts';
import type { Scorecard, ScorecardDraft } from '../../shared/scorecard.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

export interface ScorecardRow {
  interviewer_id: string;
  interviewer_name: string;
  draft_json: string;
  submitted_at_ms: number | null;
  updated_at_ms: number;
}

export const SCORECARD_COLUMNS = 'interviewer_id, interviewer_name, draft_json, submitted_at_ms, updated_at_ms';

export const scorecardOf = (row: ScorecardRow, amendments: { text: string; at_ms: number }[]): Scorecard => ({
  interviewerId: row.interviewer_id,
  interviewerName: row.interviewer_name,
  draft: JSON.parse(row.draft_json) as ScorecardDraft,
  submittedAt: row.submitted_at_ms === null ? null : iso(row.submitted_at_ms),
  updatedAt: iso(row.updated_at_ms),
  amendments: amendments.map((a) => ({ at: iso(a.at_ms), text: a.text })),
});

export interface RunRow {
  run_id: string;
  language: string;
  status: string;
  duration_ms: number;
  started_by_name: string;
  started_by_role: string;
  started_at: string;
}

export const RUN_HISTORY_COLUMNS = 'run_id, language, status, duration_ms, started_by_name, started_by_role, started_at';

export const runHistoryEntryOf = (row: RunRow): RunHistoryEntry => ({
  runId: row.run_id,
  language: row.language as Language,
  status: row.status as RunStatus,
  durationMs: row.duration_ms,
  startedBy: { name: row.started_by_name, role: row.started_by_role as Role },
  startedAt: row.started_at,
});

/** Values for INSERT INTO runs (RUN_INSERT_COLUMNS), in that order. */
export const RUN_INSERT_COLUMNS = `run_id, room_id, language, status, duration_ms, started_by_name, started_by_role, started_at, result_json`;
export const runInsertValues = (roomId: string, entry: RunHistoryEntry, result: RunResult) => [
  entry.runId,
  roomId,
  entry.language,
  entry.status,
  entry.durationMs,
  entry.startedBy.name,
  entry.startedBy.role,
  entry.startedAt,
  JSON.stringify(result),
];
