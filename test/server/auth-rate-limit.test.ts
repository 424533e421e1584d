// Failed token checks are limited per client IP and room (AUTH_FAILURES_PER_MINUTE); successful
// ones never count, and a good token is never refused, even from an address that is blocked.
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

  test(`the ${LIMIT + 1}th failed attempt answers 429; good tokens work below the limit and past it`, async () => {
    const { server, room, other } = await setup();
    const failures = [
      () => status(server, room.roomId, 'wrong-token'),
      () => status(server, room.roomId, undefined),
      () => status(server, room.roomId, other.interviewerToken),
    ];
    for (let i = 0; i < LIMIT - 1; i++) {
      expect(await failures[i % failures.length]!()).toBe(401);
      await goodUpgrade(server, room.roomId, room.interviewerToken); // still fine below the limit
    }
    expect(await status(server, room.roomId, 'wrong-token')).toBe(401); // the LIMIT-th failure
    const blocked = await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId, 'wrong-token'));
    expect(blocked.status).toBe(429);
    expect((JSON.parse(blocked.body) as { error: { id: string } }).error.id).toBe('rate_limited');
    const http = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: 'Bearer wrong-token' } });
    expect(http.status).toBe(429);
    expect(((await http.json()) as { error: { id: string } }).error.id).toBe('rate_limited');
    const socketRefusal = await refusedSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: 'wrong-token', name: 'X' }));
    expect(socketRefusal?.error.id).toBe('rate_limited');
    // A good token from the same address still gets in, on every transport.
    await goodUpgrade(server, room.roomId, room.interviewerToken);
    const good = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(good.status).toBe(200);
    const socket = await connectSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: room.interviewerToken, name: 'X' }));
    cleanup.add(() => socket.disconnect());
    expect(socket.connected).toBe(true);
  });

  test('guesses at rooms that do not exist share one count per address', async () => {
    const { server, room } = await setup();
    for (let i = 0; i < LIMIT; i++) expect(await status(server, `UnknownRoom${String(i).padStart(4, '0')}`, room.interviewerToken)).toBe(404);
    expect(await status(server, 'UnknownRoom9999', room.interviewerToken)).toBe(429);
    expect(await status(server, room.roomId, 'wrong-token')).toBe(401); // a real room has its own count
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

  test('the limit is per client IP (X-Forwarded-For when TRUST_PROXY=true, one hop)', async () => {
    const { server, room } = await setup({ TRUST_PROXY: 'true' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < LIMIT; i++) expect(await status(server, room.roomId, 'wrong', from('203.0.113.7'))).toBe(401);
    expect(await status(server, room.roomId, 'wrong', from('203.0.113.7'))).toBe(429);
    await goodUpgrade(server, room.roomId, room.interviewerToken, from('203.0.113.7')); // a good token is never refused
    // Another address is unaffected.
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
