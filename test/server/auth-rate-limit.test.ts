// Failed token checks are limited per client IP (AUTH_FAILURES_PER_MINUTE); successful ones
// never count. Once an IP is blocked it is blocked for good tokens too until the window ends.
import { afterEach, describe, expect, test } from 'vitest';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, refusedSocket, roomSocket } from '../helpers/socket-client.ts';
import { Cleanup } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, rejectedUpgrade, yjsUrl } from '../helpers/yjs-client.ts';

const LIMIT = 5;
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function setup(env: Record<string, string> = {}): Promise<{ server: TestServer; room: CreateRoomResponse; other: CreateRoomResponse }> {
  const server = await startTestServer({ AUTH_FAILURES_PER_MINUTE: String(LIMIT), ...env });
  cleanup.add(() => server.close());
  return { server, room: await createRoom(server.httpUrl), other: await createRoom(server.httpUrl) };
}

async function goodUpgrade(server: TestServer, roomId: string, token: string, headers: Record<string, string> = {}): Promise<void> {
  const ws = await openWebSocket(yjsUrl(server.wsUrl, roomId, token), headers);
  const closed = closeOf(ws);
  ws.close(1000);
  await closed;
}

const status = async (server: TestServer, roomId: string, token: string | undefined, headers: Record<string, string> = {}) =>
  (await rejectedUpgrade(yjsUrl(server.wsUrl, roomId, token), headers)).status;

describe(`AUTH_FAILURES_PER_MINUTE=${LIMIT}`, () => {
  test('50 successful connections are never limited, and leave all failures still available', async () => {
    const { server, room, other } = await setup();
    for (let i = 0; i < 50; i++) {
      await goodUpgrade(server, i % 3 ? room.roomId : other.roomId, i % 3 ? (i % 2 ? room.interviewerToken : room.candidateToken) : other.candidateToken);
    }
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${room.candidateToken}` } });
      expect(response.status).toBe(200);
    }
    // The successes did not count: the full allowance of failures is still there.
    for (let i = 0; i < LIMIT; i++) expect(await status(server, room.roomId, 'wrong-token')).toBe(401);
    expect(await status(server, room.roomId, 'wrong-token')).toBe(429);
  });

  test(`the ${LIMIT + 1}th failed attempt answers 429; good tokens work until the limit is reached, then are blocked too`, async () => {
    const { server, room, other } = await setup();
    const failures = [
      () => status(server, room.roomId, 'wrong-token'),
      () => status(server, room.roomId, undefined),
      () => status(server, room.roomId, other.interviewerToken),
      () => status(server, 'UnknownRoom0001', room.interviewerToken),
    ];
    for (let i = 0; i < LIMIT - 1; i++) {
      expect([401, 404]).toContain(await failures[i % failures.length]!());
      await goodUpgrade(server, room.roomId, room.interviewerToken); // still fine below the limit
    }
    expect(await status(server, room.roomId, 'wrong-token')).toBe(401); // the LIMIT-th failure
    const blocked = await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId, 'wrong-token'));
    expect(blocked.status).toBe(429);
    expect((JSON.parse(blocked.body) as { error: { id: string } }).error.id).toBe('rate_limited');
    // Now a good token from the same address is refused as well (intended: the window must pass).
    expect(await status(server, room.roomId, room.interviewerToken)).toBe(429);
    const http = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(http.status).toBe(429);
    expect(((await http.json()) as { error: { id: string } }).error.id).toBe('rate_limited');
    const socketRefusal = await refusedSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: room.interviewerToken, name: 'X' }));
    expect(socketRefusal?.error.id).toBe('rate_limited');
  });

  test('failures through HTTP, /yjs and Socket.IO share one count', async () => {
    const { server, room } = await setup();
    const bad = `Bearer ${'b'.repeat(32)}`;
    expect((await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: bad } })).status).toBe(401);
    expect((await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`)).status).toBe(401);
    expect(await status(server, room.roomId, 'nope')).toBe(401);
    const socket = roomSocket(server.httpUrl, { roomId: room.roomId, token: 'nope', name: 'X' });
    cleanup.add(() => socket.disconnect());
    expect((await refusedSocket(socket))?.error.id).toBe('unauthorized');
    expect(await status(server, room.roomId, 'nope')).toBe(401); // fifth
    expect(await status(server, room.roomId, 'nope')).toBe(429);
  });

  test('the limit is per client IP (X-Forwarded-For when TRUST_PROXY=true)', async () => {
    const { server, room } = await setup({ TRUST_PROXY: 'true' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < LIMIT; i++) expect(await status(server, room.roomId, 'wrong', from('203.0.113.7'))).toBe(401);
    expect(await status(server, room.roomId, 'wrong', from('203.0.113.7'))).toBe(429);
    expect(await status(server, room.roomId, room.interviewerToken, from('203.0.113.7'))).toBe(429);
    // Another address is unaffected, for failures and successes alike.
    await goodUpgrade(server, room.roomId, room.interviewerToken, from('198.51.100.2'));
    expect(await status(server, room.roomId, 'wrong', from('198.51.100.2'))).toBe(401);
    const socket = await connectSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: room.candidateToken, name: 'Y' }, from('198.51.100.3')));
    cleanup.add(() => socket.disconnect());
    expect(socket.connected).toBe(true);
  });

  test('without TRUST_PROXY a forged X-Forwarded-For does not escape the limit', async () => {
    const { server, room } = await setup();
    for (let i = 0; i < LIMIT; i++) expect(await status(server, room.roomId, 'wrong', { 'x-forwarded-for': `192.0.2.${i}` })).toBe(401);
    expect(await status(server, room.roomId, 'wrong', { 'x-forwarded-for': '192.0.2.200' })).toBe(429);
  });
});
