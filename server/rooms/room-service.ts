// Creating rooms and deciding who may enter them. Every transport (HTTP, /yjs, Socket.IO)
// asks authenticate() and gets the same answer.
import * as Y from 'yjs';
import type { ErrorId } from '../../shared/errors.ts';
import { YDOC, type Language, type Role, type RoomInfo } from '../../shared/room.ts';
import type { RoomRecord, Store } from '../persistence/store.ts';
import { authFailureKey, type AuthFailureLimiter } from './auth-failure-limiter.ts';
import { hashToken, newRoomId, newToken } from './tokens.ts';

export interface CreatedRoom {
  room: RoomRecord;
  interviewerToken: string;
  candidateToken: string;
}

export type AuthResult =
  | { ok: true; room: RoomRecord; role: Role; /** Stable per token: tells co-interviewers apart. */ holderId: string }
  | { ok: false; errorId: Extract<ErrorId, 'room_not_found' | 'unauthorized' | 'rate_limited' | 'room_ended'> };

export const DEFAULT_ROOM_TITLE = 'Interview';
export const DEFAULT_LANGUAGE: Language = 'python';

/** The document every room starts from: the language lives in the shared meta map. */
export function initialDocUpdate(language: Language): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap(YDOC.metaMap).set(YDOC.metaLanguageKey, language);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

export class RoomService {
  constructor(
    private readonly store: Store,
    private readonly limiter: AuthFailureLimiter,
    /** ROOM_TTL_DAYS; 0 keeps rooms until deleted. */
    private readonly retentionDays: number,
  ) {}

  /** What any token holder may know about a room. */
  info(room: RoomRecord, role: Role): RoomInfo {
    return {
      roomId: room.id,
      title: room.title,
      createdAt: new Date(room.createdAtMs).toISOString(),
      endedAt: room.endedAtMs === null ? null : new Date(room.endedAtMs).toISOString(),
      role,
      retentionDays: this.retentionDays > 0 ? this.retentionDays : null,
    };
  }

  /** Deletes a room and everything it holds. */
  delete(roomId: string): Promise<void> {
    return this.store.deleteRoom(roomId);
  }

  /** Rooms past the retention period. */
  async expired(nowMs = Date.now()): Promise<string[]> {
    if (this.retentionDays <= 0) return [];
    return this.store.listRoomIdsCreatedBefore(nowMs - this.retentionDays * 86_400_000);
  }

  async create(options: { title?: string; language?: Language }): Promise<CreatedRoom> {
    const room: RoomRecord = {
      id: newRoomId(),
      title: options.title ?? DEFAULT_ROOM_TITLE,
      language: options.language ?? DEFAULT_LANGUAGE,
      createdAtMs: Date.now(),
      endedAtMs: null,
    };
    const interviewerToken = newToken();
    const candidateToken = newToken();
    await this.store.createRoom(
      room,
      [
        { tokenHash: hashToken(interviewerToken), role: 'interviewer' },
        { tokenHash: hashToken(candidateToken), role: 'candidate' },
      ],
      initialDocUpdate(room.language),
    );
    return { room, interviewerToken, candidateToken };
  }

  getRoom(roomId: string): Promise<RoomRecord | undefined> {
    return this.store.getRoom(roomId);
  }

  /**
   * Checks a token for a room. The token is checked first, so a valid one is never refused as
   * too many; failures count against the caller's IP in this room, and past the allowance they
   * are answered as rate_limited. An ended room is no failed guess: the token was valid.
   */
  async authenticate(roomId: string, token: string | undefined, ip: string): Promise<AuthResult> {
    const result = await this.check(roomId, token);
    if (result.ok || result.errorId === 'room_ended') return result;
    const key = authFailureKey(ip, result.errorId === 'room_not_found' ? undefined : roomId);
    return (await this.limiter.recordFailure(key)) ? { ok: false, errorId: 'rate_limited' } : result;
  }

  /** As authenticate(), for a token sent without its room (e.g. reading a problem by id). */
  async authenticateToken(token: string | undefined, ip: string): Promise<AuthResult> {
    const found = token ? await this.store.findToken(hashToken(token)) : undefined;
    if (found) return this.authenticate(found.roomId, token, ip);
    return (await this.limiter.recordFailure(authFailureKey(ip, undefined))) ? { ok: false, errorId: 'rate_limited' } : { ok: false, errorId: 'unauthorized' };
  }

  /**
   * Checks again a token that was accepted moments ago, once its connection can be reached by
   * room decisions: an end or a new candidate link that landed while the connection was being
   * set up is seen here, and one that lands later reaches the connection itself. Not counted
   * as a failed login.
   */
  recheck(roomId: string, token: string | undefined): Promise<AuthResult> {
    return this.check(roomId, token);
  }

  private async check(roomId: string, token: string | undefined): Promise<AuthResult> {
    const room = await this.store.getRoom(roomId);
    if (!room) return { ok: false, errorId: 'room_not_found' };
    const tokenHash = token ? hashToken(token) : undefined;
    const role = tokenHash ? await this.store.findTokenRole(roomId, tokenHash) : undefined;
    if (!role || !tokenHash) return { ok: false, errorId: 'unauthorized' };
    if (role === 'candidate' && room.endedAtMs !== null) return { ok: false, errorId: 'room_ended' };
    return { ok: true, room, role, holderId: tokenHash.slice(0, 16) };
  }

  /** A new link for a role. For the candidate, earlier candidate links stop working. */
  async issueToken(roomId: string, role: Role): Promise<string> {
    if (role === 'candidate') await this.store.revokeTokens(roomId, 'candidate', Date.now());
    const token = newToken();
    await this.store.addToken(roomId, { tokenHash: hashToken(token), role });
    return token;
  }

  async end(roomId: string): Promise<void> {
    await this.store.endRoom(roomId, Date.now());
  }

  listRooms(): Promise<RoomRecord[]> {
    return this.store.listRooms();
  }
}


