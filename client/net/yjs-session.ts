// The shared document of a room: kept in IndexedDB (edits survive a reload while offline)
// and synced with the server over the standard y-websocket protocol.
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { WS_CLOSE_RESYNC } from '../../shared/errors.ts';

export interface YjsSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/**
 * `onResync` runs when the server refused a change from this browser (or it went past a size
 * limit): the local copy, IndexedDB included, is dropped first, since keeping it would resend
 * the refused change on every reconnect. The caller then opens a fresh session.
 */
export function openYjsSession(roomId: string, token: string, onResync: (reason: string) => void): YjsSession {
  const doc = new Y.Doc();
  const local = new IndexeddbPersistence(`interview-room:${roomId}`, doc);
  const base = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/yjs`;
  const provider = new WebsocketProvider(base, roomId, doc, { params: { token }, maxBackoffTime: 5000 });
  let resyncing = false;
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (!event || !WS_CLOSE_RESYNC.includes(event.code) || resyncing) return;
    resyncing = true;
    provider.disconnect();
    local.clearData().finally(() => onResync(event.reason));
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      if (!resyncing) void local.destroy();
      doc.destroy();
    },
  };
}
