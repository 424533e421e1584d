// A page on another site must not open our sockets with a leaked link: browsers send Origin
// on WebSocket handshakes and Socket.IO polling, and only this server's own host or an origin
// listed in ALLOWED_ORIGINS is accepted. Clients without Origin (not browsers) are unaffected.
import type { IncomingMessage } from 'node:http';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isAllowedOrigin, parseAllowedOrigins } from '../../server/http/origin-check.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, roomSocket } from '../helpers/socket-client.ts';
import { withTimeout } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, rejectedUpgrade, yjsUrl } from '../helpers/yjs-client.ts';

const FOREIGN = 'https://evil.example';

let server: TestServer;
let listed: TestServer;
let room: CreateRoomResponse;
let listedRoom: CreateRoomResponse;

beforeAll(async () => {
  server = await startTestServer();
  listed = await startTestServer({ ALLOWED_ORIGINS: ' https://panel.example.com ,http://other.lan:8080/, not a url' });
  room = await createRoom(server.httpUrl);
  listedRoom = await createRoom(listed.httpUrl);
});
afterAll(async () => {
  await server?.close();
  await listed?.close();
});

async function opens(url: string, headers: Record<string, string> = {}): Promise<void> {
  const ws = await openWebSocket(url, headers);
  const closed = closeOf(ws);
  ws.close(1000);
  expect((await closed).code).toBe(1000);
}

async function expectForbidden(url: string, headers: Record<string, string>): Promise<void> {
  const answer = await rejectedUpgrade(url, headers);
  expect(answer.status).toBe(403);
  const body = JSON.parse(answer.body) as { error: { id: string; message: string } };
  expect(body.error.id).toBe('forbidden');
  expect(body.error.message).toContain('ALLOWED_ORIGINS');
}

/** Socket.IO's long-polling handshake, as a browser page would send it. */
function pollingHandshake(target: TestServer, origin: string | undefined): Promise<number> {
  const answer = new Promise<number>((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: target.port, path: '/socket.io/?EIO=4&transport=polling', headers: origin ? { origin } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });
  return withTimeout(answer, 10_000, 'the polling handshake');
}

describe('/yjs upgrades', () => {
  test('no Origin (not a browser) and the same origin are accepted', async () => {
    const url = yjsUrl(server.wsUrl, room.roomId, room.candidateToken);
    await opens(url);
    await opens(url, { origin: server.httpUrl });
    await opens(url, { origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` });
  });

  test('a foreign origin is refused with 403 forbidden naming ALLOWED_ORIGINS, before the token is looked at', async () => {
    const url = yjsUrl(server.wsUrl, room.roomId, room.interviewerToken);
    for (const origin of [FOREIGN, `http://127.0.0.1:${server.port + 1}`, `http://localhost:${server.port}`, 'null', 'file://']) {
      await expectForbidden(url, { origin });
    }
    expect(server.app.registry.loadedRoomIds).not.toContain(room.roomId);
  });

  test('an origin listed in ALLOWED_ORIGINS is accepted; others still are not', async () => {
    const url = yjsUrl(listed.wsUrl, listedRoom.roomId, listedRoom.candidateToken);
    await opens(url, { origin: 'https://panel.example.com' });
    await opens(url, { origin: 'http://other.lan:8080' });
    await opens(url, { origin: listed.httpUrl });
    await expectForbidden(url, { origin: 'https://panel.example.com:8443' });
    await expectForbidden(url, { origin: FOREIGN });
  });
});

describe('Socket.IO', () => {
  test('the WebSocket transport connects from the same origin or none, and is refused from a foreign one', async () => {
    const auth = { roomId: room.roomId, token: room.candidateToken };
    for (const headers of [{}, { origin: server.httpUrl }] as Record<string, string>[]) {
      const socket = await connectSocket(roomSocket(server.httpUrl, auth, headers));
      expect(socket.connected).toBe(true);
      socket.disconnect();
    }
    const foreign = roomSocket(server.httpUrl, auth, { origin: FOREIGN });
    await expect(connectSocket(foreign)).rejects.toThrow();
    expect(foreign.connected).toBe(false);
    foreign.disconnect();
  });

  test('long-polling handshakes are refused from a foreign origin too', async () => {
    expect(await pollingHandshake(server, undefined)).toBe(200);
    expect(await pollingHandshake(server, server.httpUrl)).toBe(200);
    expect(await pollingHandshake(server, FOREIGN)).toBe(403);
    expect(await pollingHandshake(listed, 'https://panel.example.com')).toBe(200);
    expect(await pollingHandshake(listed, FOREIGN)).toBe(403);
  });
});

describe('isAllowedOrigin', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  test('hosts compare with default ports normalized and case ignored', () => {
    expect(isAllowedOrigin(request({ host: 'Interviews.LAN', origin: 'http://interviews.lan' }), [], false)).toBe(true);
    expect(isAllowedOrigin(request({ host: 'interviews.lan:443', origin: 'https://interviews.lan' }), [], false)).toBe(true);
    expect(isAllowedOrigin(request({ host: 'interviews.lan:3000', origin: 'http://interviews.lan' }), [], false)).toBe(false);
    // Host carries no scheme (a TLS-terminating proxy forwards it as it came), so https pages of the host pass.
    expect(isAllowedOrigin(request({ host: 'interviews.lan', origin: 'https://interviews.lan' }), [], false)).toBe(true);
    expect(isAllowedOrigin(request({ origin: 'http://interviews.lan' }), [], false)).toBe(false);
    expect(isAllowedOrigin(request({ host: 'interviews.lan', origin: 'chrome-extension://interviews.lan' }), [], false)).toBe(false);
  });

  test('X-Forwarded-Host counts only behind a trusted proxy', () => {
    const behindProxy = request({ host: 'app:3000', 'x-forwarded-host': 'interviews.example.com', origin: 'https://interviews.example.com' });
    expect(isAllowedOrigin(behindProxy, [], true)).toBe(true);
    expect(isAllowedOrigin(behindProxy, [], false)).toBe(false);
  });

  test('ALLOWED_ORIGINS entries are normalized origins', () => {
    expect(parseAllowedOrigins(' https://a.example.com/ , http://b.lan:8080/path,,nonsense')).toEqual(['https://a.example.com', 'http://b.lan:8080']);
    expect(parseAllowedOrigins('')).toEqual([]);
  });
});
