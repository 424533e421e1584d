// The one map of Socket.IO events, used by both sides. Every client-to-server payload has
// a zod schema; the server parses with it before acting.
import { z } from 'zod';
import type { ErrorBody } from './errors.ts';
import { DISPLAY_NAME_MAX_CHARS, type Role, type RoomInfo } from './room.ts';
import type { RunHistoryEntry, RunOutputChunk, RunResult, RunStarted } from './run.ts';

export interface Participant {
  /** Socket id: stable for one connection. */
  id: string;
  name: string;
  role: Role;
  /** CSS colour, assigned by the server so every view agrees. */
  color: string;
}

export interface ServerToClientEvents {
  'room:joined': (payload: { room: RoomInfo; self: Participant }) => void;
  'presence:update': (payload: { participants: Participant[] }) => void;
  'room:error': (payload: ErrorBody) => void;
  /** Either person pressed Run; both see "running…". */
  'run:started': (payload: RunStarted) => void;
  /** Output while the program runs, matched to its run by runId. */
  'run:output': (payload: RunOutputChunk) => void;
  'run:result': (payload: RunResult) => void;
  /** The newest runs of the room, sent on join. */
  'run:history': (payload: { runs: RunHistoryEntry[] }) => void;
  /** The shared countdown both people see (null: no countdown). Sent on join and on change. */
  'timer:update': (payload: SharedTimer | null) => void;
}

export interface SharedTimer {
  label: string;
  endsAt: string;
  startedBy: string;
}

export interface ClientToServerEvents {
  'presence:set': (payload: PresenceSetPayload) => void;
  /** Interviewers only: start (minutes > 0) or clear (minutes 0) the shared countdown. */
  'timer:set': (payload: TimerSetPayload) => void;
}

export const timerSetSchema = z
  .object({ minutes: z.number().min(0).max(240), label: z.string().trim().max(120).default('') })
  .strict();
export type TimerSetPayload = z.input<typeof timerSetSchema>;

export const presenceSetSchema = z
  .object({ name: z.string().trim().min(1).max(DISPLAY_NAME_MAX_CHARS) })
  .strict();
export type PresenceSetPayload = z.infer<typeof presenceSetSchema>;

/** Handshake `auth` of the Socket.IO connection. */
export const socketAuthSchema = z.object({
  roomId: z.string().min(1).max(64),
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(DISPLAY_NAME_MAX_CHARS).optional(),
});
export type SocketAuth = z.infer<typeof socketAuthSchema>;
