// Limits that must hold for the whole deployment, not per instance: failed logins per IP (and room) and
// runs in flight per room are counted in Redis, so two instances allow what one would. While
// Redis is away, logins still answer at once (each instance counts on its own meanwhile).
import { describe, expect, test } from 'vitest';
import type { RunStarted } from '../../shared/run.ts';
import { clusterFixture } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { connectSocket, roomSocket } from '../helpers/socket-client.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';
import { rejectedUpgrade, yjsUrl } from '../helpers/yjs-client.ts';

const FAILURES_PER_MINUTE = 4;
const RUNS_PER_ROOM = 2;
const fixture = clusterFixture({
  // Each test comes from its own client address (X-Forwarded-For), so one's failures do not block the next.
  env: { AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE), RUN_MAX_IN_FLIGHT_PER_ROOM: String(RUNS_PER_ROOM), TRUST_PROXY: 'true' },
});
const { cleanup } = fixture;
const sandboxReady = requireProgram(BWRAP);

const from = (ip: string) => ({ 'x-forwarded-for': ip });

const upgradeStatus = async (wsUrl: string, roomId: string, token: string, ip: string) => (await rejectedUpgrade(yjsUrl(wsUrl, roomId, token), from(ip))).status;

const roomStatus = async (httpUrl: string, roomId: string, token: string, ip: string) =>
  (await fetch(`${httpUrl}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}`, ...from(ip) } })).status;

function postRun(httpUrl: string, roomId: string, token: string, code: string): Promise<Response> {
  return fetch(`${httpUrl}/api/rooms/${roomId}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ language: 'python', code }),
  });
}

describe.skipIf(!fixture.ready)('limits shared by every instance', () => {
  test('failed logins on two instances add up to one allowance per IP', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    for (let i = 0; i < FAILURES_PER_MINUTE; i++) {
      const instance = i % 2 ? b : a;
      expect(await upgradeStatus(instance.wsUrl, room.roomId, 'wrong-token', '203.0.113.1')).toBe(401);
    }
    // Each instance saw only half of the failures; together they used up the allowance.
    for (const instance of [a, b]) expect(await upgradeStatus(instance.wsUrl, room.roomId, 'wrong-token', '203.0.113.1')).toBe(429);
    expect(await roomStatus(b.httpUrl, room.roomId, 'wrong-token', '203.0.113.1')).toBe(429);
    // A good token from that address is never refused; another address is not affected.
    expect(await roomStatus(b.httpUrl, room.roomId, room.interviewerToken, '203.0.113.1')).toBe(200);
    expect(await roomStatus(b.httpUrl, room.roomId, 'wrong-token', '203.0.113.2')).toBe(401);
  });

  test.skipIf(!sandboxReady)('runs in flight per room are counted across instances', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const watcher = roomSocket(a.httpUrl, { roomId: room.roomId, token: room.interviewerToken });
    const started: RunStarted[] = [];
    watcher.on('run:started', (run) => started.push(run));
    await connectSocket(watcher);
    cleanup.add(() => watcher.disconnect());

    const slow = 'import time\ntime.sleep(2)\nprint("slow")';
    const running = [postRun(a.httpUrl, room.roomId, room.candidateToken, slow), postRun(b.httpUrl, room.roomId, room.interviewerToken, slow)];
    await expect.poll(() => started.length, { timeout: 10_000 }).toBe(RUNS_PER_ROOM);
    for (const instance of [a, b]) {
      const refused = await postRun(instance.httpUrl, room.roomId, room.candidateToken, 'print(1)');
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(`${RUNS_PER_ROOM} runs queued or running`);
    }
    expect((await Promise.all(running)).map((response) => response.status)).toEqual([200, 200]);
    // Finished runs give their slots back on every instance.
    expect((await postRun(b.httpUrl, room.roomId, room.candidateToken, 'print(1)')).status).toBe(200);
  });

  test('while Redis is down, logins answer at once and failures are still limited', async () => {
    const [a] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    await fixture.cluster.redis.restart(async () => {
      const ip = '203.0.113.3';
      expect(await roomStatus(a.httpUrl, room.roomId, room.interviewerToken, ip)).toBe(200);
      for (let i = 0; i < FAILURES_PER_MINUTE; i++) expect(await roomStatus(a.httpUrl, room.roomId, 'wrong-token', ip)).toBe(401);
      expect(await roomStatus(a.httpUrl, room.roomId, 'wrong-token', ip)).toBe(429);
    });
  });
});
