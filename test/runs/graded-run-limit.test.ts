// The candidate's graded runs are spaced out per room (each can probe one pass/fail bit per
// hidden case), in memory or across instances through Redis; a run sooner is answered 429
// saying how long to wait, and interviewers can read how many graded runs the room has had.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisGradedRunLimit } from '../../server/cluster/redis-graded-run-limit.ts';
import { createLogger } from '../../server/logger.ts';
import { memoryGradedRunLimit } from '../../server/runs/graded-run-limit.ts';
import type { ErrorBody } from '../../shared/errors.ts';
import type { RunResult } from '../../shared/run.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { BWRAP, REDIS_SERVER, requireProgram } from '../helpers/system.ts';

const MINUTE = 60_000;

describe('the graded-run interval in memory', () => {
  test('one graded run per interval per room, then the next; other rooms are not affected', async () => {
    let now = 1_000_000;
    const limit = memoryGradedRunLimit(10_000, () => now);
    expect(await limit.take('room-a')).toEqual({ ok: true });
    now += 4_000;
    expect(await limit.take('room-a')).toEqual({ ok: false, retryAfterMs: 6_000 });
    expect(await limit.take('room-b')).toEqual({ ok: true });
    now += 6_000;
    expect(await limit.take('room-a')).toEqual({ ok: true });
  });

  test('0 turns the limit off', async () => {
    const limit = memoryGradedRunLimit(0);
    for (let i = 0; i < 3; i++) expect(await limit.take('room-a')).toEqual({ ok: true });
  });
});

describe.skipIf(!requireProgram(REDIS_SERVER))('the graded-run interval shared through Redis', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  test('a run taken on one instance makes the other wait too', async () => {
    const log = createLogger('silent');
    const [a, b] = [0, 1].map(() => {
      const client = new Redis(redis.url, { maxRetriesPerRequest: 0 });
      clients.push(client);
      return redisGradedRunLimit(client, MINUTE, log);
    });
    expect(await a!.take('room-x')).toEqual({ ok: true });
    const refused = await b!.take('room-x');
    expect(refused.ok).toBe(false);
    expect(refused.ok === false && refused.retryAfterMs > 0 && refused.retryAfterMs <= MINUTE).toBe(true);
    expect(await b!.take('room-y')).toEqual({ ok: true });
  });
});

describe.skipIf(!requireProgram(BWRAP))('graded runs over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Long enough that the second run always comes inside the interval, however slow the machine.
    server = await startTestServer({ GRADED_RUN_MIN_INTERVAL_MS: String(10 * MINUTE) });
  });
  afterAll(async () => server?.close());

  const post = async (roomId: string, token: string, body: Record<string, unknown>) => {
    const response = await fetch(`${server.httpUrl}/api/rooms/${roomId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ language: 'python', ...body }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const count = async (roomId: string, token: string) => {
    const response = await fetch(`${server.httpUrl}/api/rooms/${roomId}/runs/graded-count`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  test("the candidate's second graded run inside the interval is refused with 429 and the wait; other runs are not limited", async () => {
    const room = await createRoom(server.httpUrl);
    const problem = server.app.bank.problems.get('dedupe-and-rank')!;
    const used = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/problems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${room.interviewerToken}` },
      body: JSON.stringify({ problemId: problem.meta.id }),
    });
    expect(used.status).toBe(201);
    const graded = { code: problem.starters.python, problemId: problem.meta.id };

    const first = await post(room.roomId, room.candidateToken, graded);
    expect(first.status).toBe(200);
    expect((first.body as RunResult).tests?.total).toBe(problem.tests!.cases.length);

    const second = await post(room.roomId, room.candidateToken, graded);
    expect(second.status).toBe(429);
    const error = (second.body as ErrorBody).error;
    expect(error.id).toBe('rate_limited');
    expect(error.message).toMatch(/one every 600 s in this room; wait \d+ s/);

    // Runs without the tests, and the interviewer's graded runs, are not limited.
    expect((await post(room.roomId, room.candidateToken, { code: 'print(1)' })).status).toBe(200);
    expect((await post(room.roomId, room.interviewerToken, graded)).status).toBe(200);

    // The refused run never ran, so it is not counted.
    expect(await count(room.roomId, room.interviewerToken)).toEqual({ status: 200, body: { gradedRuns: { total: 2, candidate: 1 } } });
    expect((await count(room.roomId, room.candidateToken)).status).toBe(403);
  });
});
