// The shared document of a room: kept in IndexedDB (edits survive a reload while offline)
// and synced with the server over the standard y-websocket protocol.
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface YjsSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

export function openYjsSession(roomId: string, token: string): YjsSession {
  const doc = new Y.Doc();
  const local = new IndexeddbPersistence(`interview-room:${roomId}`, doc);
  const base = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/yjs`;
  const provider = new WebsocketProvider(base, roomId, doc, { params: { token }, maxBackoffTime: 5000 });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      void local.destroy();
      doc.destroy();
    },
  };
}
