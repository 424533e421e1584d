// GET /metrics: Prometheus text with the app's own figures (connections by role and transport,
// document updates and bytes, rooms loaded, persistence time) and Node's defaults, and nothing
// that identifies a room or grants access to one.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMetrics } from '../../server/ops/metrics.ts';
import type { ExecutedRun, RunJob } from '../../server/runs/executor.ts';
import { RunService } from '../../server/runs/run-service.ts';
import { memoryRunSlots } from '../../server/runs/run-slots.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, roomSocket } from '../helpers/socket-client.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { syncedYClient } from '../helpers/yjs-client.ts';

let server: TestServer;
let room: CreateRoomResponse;

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.httpUrl, { title: 'Metrics round' });
});
afterAll(() => server?.close());

async function scrape(): Promise<{ body: string; contentType: string | null; value: (series: string) => number | undefined }> {
  const response = await fetch(`${server.httpUrl}/metrics`);
  expect(response.status).toBe(200);
  const body = await response.text();
  const values = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { body, contentType: response.headers.get('content-type'), value: (series) => values.get(series) };
}

const connections = (role: string, transport: string) => `interview_connections{role="${role}",transport="${transport}"}`;

describe('GET /metrics', () => {
  test('Prometheus text format with Node default metrics and every app metric declared', async () => {
    const { body, contentType, value } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_resident_memory_bytes',
      'interview_rooms_loaded',
      'interview_connections',
      'interview_yjs_updates_total',
      'interview_yjs_bytes_total',
      'interview_persist_seconds',
      'interview_run_queue_depth',
      'interview_run_seconds',
      'interview_relay_lag_seconds',
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
    expect(value(connections('candidate', 'yjs'))).toBe(0);
    expect(value('interview_run_queue_depth')).toBe(0);
  });

  test('connections, updates, bytes, rooms and persistence move with a real session, and connections go back down', async () => {
    const before = await scrape();
    const updatesBefore = before.value('interview_yjs_updates_total') ?? 0;

    const interviewer = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Ada' });
    const candidate = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken, { name: 'Grace' });
    const socket = await connectSocket(roomSocket(server.httpUrl, { roomId: room.roomId, token: room.candidateToken, name: 'Grace' }));
    try {
      candidate.text.insert(0, 'def solve(xs):\n');
      candidate.text.insert(candidate.text.length, '    return sorted(xs)\n');
      await waitFor(() => interviewer.text.toString().includes('sorted'), 10_000, 'the edit reaching the interviewer');

      await waitFor(async () => ((await scrape()).value('interview_persist_seconds_count') ?? 0) >= 2, 10_000, 'persisted updates observed');
      const during = await scrape();
      expect(during.value(connections('interviewer', 'yjs'))).toBe(1);
      expect(during.value(connections('candidate', 'yjs'))).toBe(1);
      expect(during.value(connections('candidate', 'socketio'))).toBe(1);
      expect(during.value(connections('interviewer', 'socketio'))).toBe(0);
      expect(during.value('interview_rooms_loaded')).toBe(1);
      expect(during.value('interview_yjs_updates_total')! - updatesBefore).toBeGreaterThanOrEqual(2);
      expect(during.value('interview_yjs_bytes_total{direction="in"}')).toBeGreaterThan(0);
      expect(during.value('interview_yjs_bytes_total{direction="out"}')).toBeGreaterThan(0);
      expect(during.value('interview_persist_seconds_sum')).toBeGreaterThan(0);

      // Nothing that names a room or opens one: no id, no token, no title, no display name.
      for (const secret of [room.roomId, room.interviewerToken, room.candidateToken, 'Metrics round', 'Ada', 'Grace']) {
        expect(during.body).not.toContain(secret);
      }
    } finally {
      socket.disconnect();
      interviewer.destroy();
      candidate.destroy();
    }

    await waitFor(
      async () => {
        const { value } = await scrape();
        return ['interviewer', 'candidate'].every((role) => value(connections(role, 'yjs')) === 0 && value(connections(role, 'socketio')) === 0);
      },
      10_000,
      'every connection gauge back at 0',
    );
    await waitFor(async () => (await scrape()).value('interview_rooms_loaded') === 0, 10_000, 'the room unloading');
  });

  test('each app has its own registry: a second server starts at zero', async () => {
    const second = await startTestServer();
    try {
      const response = await fetch(`${second.httpUrl}/metrics`);
      const body = await response.text();
      expect(body).toMatch(/^interview_yjs_updates_total 0$/m);
      expect(second.app.metrics.register).not.toBe(server.app.metrics.register);
    } finally {
      await second.close();
    }
  });

  test('runs: queue depth while one waits, duration by language and status when each finishes', async () => {
    let release: () => void = () => undefined;
    const executing = new Promise<void>((resolve) => (release = resolve));
    const executor = {
      async execute(job: RunJob): Promise<ExecutedRun> {
        await executing;
        if (job.language === 'sql') throw new Error('engine down');
        const { runId, language } = job;
        return { runId, language, status: 'ok', stdout: '', stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: 5, truncated: false };
      },
    };
    const runs = new RunService(executor, { started() {}, output() {}, result() {} }, server.app.store, {
      concurrency: 1,
      slots: memoryRunSlots(3),
      observeRun: (...args) => metrics.observeRun(...args),
    });
    const metrics = createMetrics({ roomsLoaded: () => 0, runQueueDepth: () => runs.inFlightCount });
    const text = () => metrics.register.metrics();

    const first = runs.submit(room.roomId, { language: 'python', code: 'print(1)' }, { role: 'candidate', name: 'Grace' });
    const second = runs.submit(room.roomId, { language: 'sql', code: 'select 1' }, { role: 'candidate', name: 'Grace' });
    await expect.poll(() => text()).toMatch(/^interview_run_queue_depth 2$/m);
    release();
    await first;
    await expect(second).rejects.toThrow('engine down');
    const body = await text();
    expect(body).toMatch(/^interview_run_queue_depth 0$/m);
    expect(body).toMatch(/^interview_run_seconds_count\{language="python",status="ok"\} 1$/m);
    expect(body).toMatch(/^interview_run_seconds_count\{language="sql",status="failed"\} 1$/m);
  });
});
