// Clients of the /yjs endpoint for tests: the stock y-websocket provider (what browsers
// run), and raw `ws` sockets for checking upgrade answers and sending hand-made frames.
import WebSocket from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { withTimeout } from './wait-for.ts';

export interface YClient {
  doc: Y.Doc;
  /** The shared code buffer, doc.getText('code'). */
  text: Y.Text;
  provider: WebsocketProvider;
  awareness: Awareness;
  /** Close codes the server sent this provider, in order. */
  closeCodes: number[];
  destroy(): void;
}

export interface YClientOptions {
  /** Published as awareness `user.name` before connecting. */
  name?: string;
  connect?: boolean;
}

/** A y-websocket provider on `${wsUrl}/yjs/<roomId>?token=…`, with `ws` as its WebSocket. */
export function yClient(wsUrl: string, roomId: string, token: string, options: YClientOptions = {}): YClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${wsUrl}/yjs`, roomId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Providers in one process would otherwise sync through a shared BroadcastChannel
    // and converge without the server.
    disableBc: true,
    connect: false,
  });
  if (options.name !== undefined) provider.awareness.setLocalStateField('user', { name: options.name });
  const closeCodes: number[] = [];
  provider.on('connection-close', (event) => {
    if (event) closeCodes.push(event.code);
  });
  if (options.connect !== false) provider.connect();
  return {
    doc,
    text: doc.getText('code'),
    provider,
    awareness: provider.awareness,
    closeCodes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Resolves once the provider has received the server's state (sync step 2). */
export function whenSynced(client: YClient, timeoutMs = 10_000): Promise<void> {
  const { provider } = client;
  if (provider.synced) return Promise.resolve();
  const synced = new Promise<void>((resolve) => {
    const onSync = (state: boolean) => {
      if (!state) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  return withTimeout(synced, timeoutMs, `sync of ${provider.url.replace(/token=[^&]*/, 'token=…')}`);
}

export async function syncedYClient(wsUrl: string, roomId: string, token: string, options: YClientOptions = {}): Promise<YClient> {
  const client = yClient(wsUrl, roomId, token, options);
  try {
    await whenSynced(client);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}

export function yjsUrl(wsUrl: string, roomId: string, token?: string): string {
  return `${wsUrl}/yjs/${encodeURIComponent(roomId)}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
}

export interface RejectedUpgrade {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Attempts a WebSocket upgrade that the server is expected to refuse with a plain HTTP
 * answer. Rejects if a WebSocket is established instead.
 */
export function rejectedUpgrade(url: string, headers: Record<string, string> = {}): Promise<RejectedUpgrade> {
  const attempt = new Promise<RejectedUpgrade>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error(`the upgrade to ${url} was accepted`));
    });
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        req.destroy();
      });
      res.on('error', reject);
    });
    // After 'unexpected-response' the request is ours to abort; errors from that are expected.
    ws.on('error', (error) => reject(error));
  });
  return withTimeout(attempt, 10_000, `the answer to the upgrade ${url}`);
}

/** Opens a raw WebSocket; rejects with the HTTP status if the server refuses the upgrade. */
export function openWebSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const opening = new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`upgrade refused with HTTP ${res.statusCode}`));
    });
    ws.on('error', reject);
  });
  return withTimeout(opening, 10_000, `opening ${url}`);
}

/** The close frame the server sends this socket. */
export function closeOf(ws: WebSocket, timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return withTimeout(closed, timeoutMs, 'the server closing the socket');
}
