// A hostile candidate's findings against the failed-login limiter: bad tokens from an address
// must never lock out a valid token (behind a proxy without TRUST_PROXY everyone shares one
// address), failures count per address and per room, and the address comes from the right end
// of X-Forwarded-For as far as TRUST_PROXY trusts it, never from the entry the client wrote.
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, refusedSocket, roomSocket } from '../helpers/socket-client.ts';
import { Cleanup } from '../helpers/wait-for.ts';
import { rejectedUpgrade, syncedYClient, yjsUrl } from '../helpers/yjs-client.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function setup(env: Record<string, string> = {}): Promise<{ server: TestServer; room: CreateRoomResponse; other: CreateRoomResponse }> {
  const server = await startTestServer(env);
  cleanup.add(() => server.close());
  return { server, room: await createRoom(server.httpUrl), other: await createRoom(server.httpUrl) };
}

const httpStatus = async (server: TestServer, roomId: string, token: string, headers: Record<string, string> = {}) =>
  (await fetch(`${server.httpUrl}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}`, ...headers } })).status;

const upgradeStatus = async (server: TestServer, roomId: string, token: string, headers: Record<string, string> = {}) =>
  (await rejectedUpgrade(yjsUrl(server.wsUrl, roomId, token), headers)).status;

const forwarded = (value: string) => ({ 'x-forwarded-for': value });

describe('the failed-login limiter', () => {
  test('40 bad tokens from one address, then the valid interviewer token still gets 200, a socket and a /yjs sync', async () => {
    // The default AUTH_FAILURES_PER_MINUTE (30) is below 40.
    const { server, room } = await setup();
    const answers: number[] = [];
    for (let i = 0; i < 40; i++) answers.push(await httpStatus(server, room.roomId, `wrong-token-${i}`));
    // The limiter did engage for the failures themselves.
    expect(answers.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);

    expect(await httpStatus(server, room.roomId, room.interviewerToken)).toBe(200);
    const socket = await connectSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: room.interviewerToken, name: 'Ivy' }));
    cleanup.add(() => socket.disconnect());
    expect(socket.connected).toBe(true);
    const yjs = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => yjs.destroy());
    expect(yjs.provider.synced).toBe(true);
    // The candidate's link works too, and bad tokens are still refused as too many.
    expect(await httpStatus(server, room.roomId, room.candidateToken)).toBe(200);
    expect(await upgradeStatus(server, room.roomId, 'wrong-token')).toBe(429);
    expect((await refusedSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: 'wrong-token' })))?.error.id).toBe('rate_limited');
  });

  test('failures are counted per address and per room', async () => {
    const LIMIT = 5;
    const { server, room, other } = await setup({ AUTH_FAILURES_PER_MINUTE: String(LIMIT), TRUST_PROXY: '1' });
    const x = forwarded('203.0.113.10');
    const y = forwarded('203.0.113.11');
    for (let i = 0; i < LIMIT; i++) expect(await upgradeStatus(server, room.roomId, 'wrong', x)).toBe(401);
    expect(await upgradeStatus(server, room.roomId, 'wrong', x)).toBe(429);
    // The same address guessing in another room has its own allowance…
    expect(await upgradeStatus(server, other.roomId, 'wrong', x)).toBe(401);
    // …and another address in the same room too.
    expect(await upgradeStatus(server, room.roomId, 'wrong', y)).toBe(401);
    // A valid token from the blocked address is never refused.
    expect(await httpStatus(server, room.roomId, room.candidateToken, x)).toBe(200);
  });
});

describe('TRUST_PROXY', () => {
  // Five failures with a different forged left-most entry each time, then the sixth must be
  // refused: the limiter counted the address the trusted proxy saw, not what the client wrote.
  async function forgedLeftMostIsIgnored(env: Record<string, string>, header: (i: number) => string): Promise<void> {
    const LIMIT = 5;
    const { server, room } = await setup({ AUTH_FAILURES_PER_MINUTE: String(LIMIT), ...env });
    for (let i = 0; i < LIMIT; i++) expect(await upgradeStatus(server, room.roomId, 'wrong', forwarded(header(i)))).toBe(401);
    expect(await upgradeStatus(server, room.roomId, 'wrong', forwarded(header(99)))).toBe(429);
    expect(await httpStatus(server, room.roomId, 'wrong', forwarded(header(100)))).toBe(429);
    expect((await refusedSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: 'wrong' }, forwarded(header(101)))))?.error.id).toBe('rate_limited');
  }

  test('a hop count: the forged left-most X-Forwarded-For entry is not used', async () => {
    await forgedLeftMostIsIgnored({ TRUST_PROXY: '1' }, (i) => `192.0.2.${i}, 198.51.100.7`);
  });

  test('"true" means one hop', async () => {
    await forgedLeftMostIsIgnored({ TRUST_PROXY: 'true' }, (i) => `192.0.2.${i}, 198.51.100.7`);
  });

  test('two hops: the client is the entry the outer proxy appended', async () => {
    await forgedLeftMostIsIgnored({ TRUST_PROXY: '2' }, (i) => `192.0.2.${i}, 198.51.100.7, 10.0.0.5`);
  });

  test('a list of proxy addresses and CIDRs', async () => {
    await forgedLeftMostIsIgnored({ TRUST_PROXY: '127.0.0.1/32, 10.0.0.0/8' }, (i) => `192.0.2.${i}, 198.51.100.7, 10.0.0.5`);
  });

  test('a list that does not contain the peer: the header is ignored', async () => {
    await forgedLeftMostIsIgnored({ TRUST_PROXY: '10.0.0.0/8' }, (i) => `192.0.2.${i}`);
  });

  test('values that are neither a hop count nor addresses are refused at startup', () => {
    expect(() => parseConfig({ TRUST_PROXY: 'yes please' })).toThrow(ConfigError);
    expect(() => parseConfig({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(ConfigError);
    expect(() => parseConfig({ TRUST_PROXY: '-1' })).toThrow(ConfigError);
  });
});
