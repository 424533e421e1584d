// The real y-websocket client, as the browser app uses it, running in Node.
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { withTimeout } from './async-utils.ts';
import type { RoomAccess, Slot } from './servers.ts';

// Every provider registers a process 'exit' listener; hundreds of them are expected here.
process.setMaxListeners(0);

export function openProvider(room: RoomAccess, slot: Slot, doc = new Y.Doc()): WebsocketProvider {
  return new WebsocketProvider(room.serverUrl, room.roomName, doc, {
    params: room.params[slot],
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Providers of one room in one process would otherwise exchange updates over a
    // BroadcastChannel and bypass the server.
    disableBc: true,
  });
}

/** Resolves at the provider's first 'sync' (it has the server's whole document). */
export function whenSynced(provider: WebsocketProvider, timeoutMs: number): Promise<void> {
  if (provider.synced) return Promise.resolve();
  const synced = new Promise<void>((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  return withTimeout(synced, timeoutMs, `sync with ${provider.url.split('?')[0]}`);
}

export function closeProvider(provider: WebsocketProvider): void {
  provider.destroy();
  provider.doc.destroy();
}
