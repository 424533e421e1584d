// With REDIS_URL, runs go through a BullMQ queue to a separate `npm run worker` process,
// and the room still sees streamed output and the result.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { RunResult } from '../../shared/run.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { REPO_ROOT, createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { BWRAP, REDIS_SERVER, requireProgram } from '../helpers/system.ts';

const ready = [REDIS_SERVER, BWRAP].map(requireProgram).every(Boolean);

function startWorker(redisUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/worker.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, REDIS_URL: redisUrl, RUN_WARM_POOL_SIZE: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Run worker ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

describe.skipIf(!ready)('runs queued in Redis and executed by a worker process', () => {
  let redis: TestRedis;
  let server: TestServer;
  let worker: ChildProcess;

  beforeAll(async () => {
    redis = await startRedis();
    // This server executes nothing itself: every run must cross Redis to the worker.
    server = await startTestServer({ REDIS_URL: redis.url, RUN_LOCAL_WORKER: 'false' });
    worker = await startWorker(redis.url);
  });

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await server?.close();
    await redis?.stop();
  });

  test('a run executes in the worker and its output streams to the room before the result', async () => {
    const room = await createRoom(server.httpUrl);
    const viewer = io(server.httpUrl, {
      path: '/socket.io/',
      transports: ['websocket'],
      auth: { roomId: room.roomId, token: room.interviewerToken, name: 'Viewer' },
    }) as import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>;
    const seen: string[] = [];
    viewer.on('run:output', ({ data }) => seen.push(`output:${data.trim()}`));
    viewer.on('run:result', ({ status }) => seen.push(`result:${status}`));
    await new Promise<void>((resolve) => viewer.on('room:joined', () => resolve()));

    const response = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${room.candidateToken}` },
      body: JSON.stringify({
        language: 'python',
        code: 'import os, time\nprint("from worker", flush=True)\ntime.sleep(0.5)\nprint("done", os.getpid() < 100)',
      }),
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as RunResult;
    expect(result.status).toBe('ok');
    // PID namespace: the program is a low pid inside its own sandbox, wherever it ran.
    expect(result.stdout).toBe('from worker\ndone True\n');
    await expect.poll(() => seen.at(-1)).toBe('result:ok');
    expect(seen.indexOf('output:from worker')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('output:from worker')).toBeLessThan(seen.indexOf('result:ok'));
    viewer.disconnect();
  });
});
