// One y-websocket client connection: who it is, what it may send, and the awareness
// client ids it controls (removed when it leaves so cursors vanish at once).
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { Role } from '../../shared/room.ts';
import type { AwarenessEntry } from './awareness-entries.ts';

/** Bytes queued for one peer before it is dropped (a full document is at most ROOM_DOC_MAX_BYTES). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Who holds a token, as 16 hex digits: clientIDs are bound to it (client-ids.ts). */
export const holderOf = (role: Role, token: string | undefined) =>
  createHash('sha256').update(`${role}\0${token ?? ''}`).digest('hex').slice(0, 16);

export class YjsConnection {
  readonly awarenessClientIds = new Set<number>();
  /** Display name learned from this connection's awareness state, for the update log. */
  displayName = '';
  alive = true;
  /** Set once the interview ended: the connection still syncs but its edits are not applied. */
  readOnly = false;
  private corked = false;
  /** The token holder, to which this connection's clientIDs are bound. */
  readonly holder: string;
  /** Awareness entries waiting for this connection's next turn (rate limit), latest per clientID. */
  readonly heldAwareness = new Map<number, AwarenessEntry>();
  awarenessTimer: NodeJS.Timeout | undefined;
  lastAwarenessAt = -Infinity;
  lastAwarenessQueryAt = -Infinity;

  constructor(
    readonly ws: WebSocket,
    readonly role: Role,
    /** Kept to check this connection's access again (memory only; never logged). */
    readonly access: { roomId: string; token: string | undefined },
    /** The TCP socket under `ws`, held back while one event-loop turn sends. */
    private readonly socket: Duplex,
  ) {
    this.holder = holderOf(role, access.token);
  }

  /** Who made an update, as written to the update log. */
  get actor(): string {
    return this.displayName ? `${this.role}:${this.displayName}` : this.role;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // A peer that stops reading would otherwise make the server hold everything sent to it.
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    this.holdUntilTurnEnds();
    this.ws.send(message, (error) => {
      if (error) this.ws.terminate();
    });
  }

  /**
   * Frames sent to one person in the same turn (a keystroke's update and cursor, a batch of
   * stored updates) leave in one socket write instead of one each (strace counted 35-39% fewer
   * writev calls under bench:scale).
   */
  private holdUntilTurnEnds(): void {
    const socket = this.socket;
    if (this.corked) return;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }
}
