// One y-websocket client connection: who it is, what it may send, and the awareness
// client ids it controls (removed when it leaves so cursors vanish at once).
import WebSocket from 'ws';
import type { Role } from '../../shared/room.ts';

export class YjsConnection {
  readonly awarenessClientIds = new Set<number>();
  /** Display name learned from this connection's awareness state, for the update log. */
  displayName = '';
  alive = true;
  /** Set once the interview ended: the connection still syncs but its edits are not applied. */
  readOnly = false;

  constructor(
    readonly ws: WebSocket,
    readonly role: Role,
    /** Kept to check this connection's access again (memory only; never logged). */
    readonly access: { roomId: string; token: string | undefined },
  ) {}

  /** Who made an update, as written to the update log. */
  get actor(): string {
    return this.displayName ? `${this.role}:${this.displayName}` : this.role;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(message, (error) => {
      if (error) this.ws.terminate();
    });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }
}
