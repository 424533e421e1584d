// Room vocabulary shared by server and client. Imports neither side.
import { z } from 'zod';

export const LANGUAGES = ['python', 'javascript', 'typescript', 'sql'] as const;
export type Language = (typeof LANGUAGES)[number];
export const languageSchema = z.enum(LANGUAGES);

export const ROLES = ['interviewer', 'candidate'] as const;
export type Role = (typeof ROLES)[number];

export const TITLE_MAX_CHARS = 200;
export const DISPLAY_NAME_MAX_CHARS = 60;

/** Body of POST /api/rooms. Unknown fields are refused so typos surface. */
export const createRoomBodySchema = z
  .object({
    title: z.string().trim().min(1).max(TITLE_MAX_CHARS).optional(),
    language: languageSchema.optional(),
  })
  .strict();
export type CreateRoomBody = z.infer<typeof createRoomBodySchema>;

export interface CreateRoomResponse {
  roomId: string;
  interviewerToken: string;
  candidateToken: string;
  interviewerUrl: string;
  candidateUrl: string;
}

/** What any token holder may know about a room (GET /api/rooms/:roomId). */
export interface RoomInfo {
  roomId: string;
  title: string;
  createdAt: string;
  /** Set once an interviewer ended the interview (then only interviewers can open it). */
  endedAt: string | null;
  /** The role of the token that asked. */
  role: Role;
  /** Days after creation when the room and its data are deleted (null: kept until deleted). */
  retentionDays: number | null;
}

export const roomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'room ids are 8-64 characters of A-Z a-z 0-9 _ -');

/** The Yjs document layout: the only state both people edit. Never put private data here. */
export const YDOC = {
  /** The buffer of free coding; each problem used gets its own buffer (problemBuffer). */
  codeText: 'code',
  metaMap: 'meta',
  metaLanguageKey: 'language',
  /** Id of the problem on screen, set by the server when an interviewer uses one. */
  metaActiveProblemKey: 'activeProblem',
  /** The whiteboard: one entry per Excalidraw element, keyed by element id (client/whiteboard/). */
  whiteboardMap: 'whiteboard',
} as const;

/** Name of a problem's own code buffer in the shared document. */
export const problemBuffer = (problemId: string) => `${YDOC.codeText}:${problemId}`;

/** Link that carries the token in the fragment, so it never reaches logs or Referer headers. */
export function roomPath(roomId: string, token: string): string {
  return `/r/${encodeURIComponent(roomId)}#t=${encodeURIComponent(token)}`;
}
