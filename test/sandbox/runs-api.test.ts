// POST /api/rooms/:roomId/runs over real HTTP and Socket.IO: who may run, what is refused and
// how, the per-room in-flight limit, the result shape, and the events the other person sees
// (started, streamed output, result, and the history on join).
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ErrorBody } from '../../shared/errors.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { RUN_CODE_MAX_BYTES, type RunHistoryEntry, type RunOutputChunk, type RunResult, type RunStarted } from '../../shared/run.ts';
import { BWRAP, PYTHON3 } from '../helpers/sandbox-programs.ts';
import { privateUidRange, waitForNoLiveProcesses, type UidRange } from '../helpers/sandbox.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { requireProgram } from '../helpers/system.ts';
import { Cleanup, waitFor, withTimeout } from '../helpers/wait-for.ts';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const RESULT_KEYS = ['durationMs', 'exitCode', 'language', 'runId', 'signal', 'status', 'stderr', 'stdout', 'timedOut', 'truncated'];
const MAX_IN_FLIGHT = 2;

interface Answer<T = unknown> {
  status: number;
  body: T;
}

async function postRun(httpUrl: string, roomId: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${httpUrl}/api/rooms/${encodeURIComponent(roomId)}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const errorOf = (answer: Answer): ErrorBody['error'] | undefined => (answer.body as Partial<ErrorBody> | undefined)?.error;

/** A Socket.IO client as the app's client makes it, recording every run event in arrival order. */
interface Observer {
  socket: RoomSocket;
  events: { event: 'run:started' | 'run:output' | 'run:result'; payload: RunStarted | RunOutputChunk | RunResult }[];
  history: Promise<RunHistoryEntry[]>;
  started(runId: string): RunStarted | undefined;
  output(runId: string): RunOutputChunk[];
  result(runId: string): RunResult | undefined;
}

async function observe(httpUrl: string, auth: { roomId: string; token: string; name: string }, cleanup: Cleanup): Promise<Observer> {
  const socket: RoomSocket = io(httpUrl, { path: '/socket.io/', transports: ['websocket'], auth, reconnection: false, forceNew: true, autoConnect: false });
  cleanup.add(() => socket.disconnect());
  const events: Observer['events'] = [];
  socket.on('run:started', (payload) => events.push({ event: 'run:started', payload }));
  socket.on('run:output', (payload) => events.push({ event: 'run:output', payload }));
  socket.on('run:result', (payload) => events.push({ event: 'run:result', payload }));
  const history = withTimeout(new Promise<RunHistoryEntry[]>((resolve) => socket.once('run:history', ({ runs }) => resolve(runs))), 10_000, 'run:history');
  const joined = withTimeout(new Promise<void>((resolve) => socket.once('room:joined', () => resolve())), 10_000, 'room:joined');
  socket.connect();
  await joined;
  const of = <T extends RunStarted | RunOutputChunk | RunResult>(event: Observer['events'][number]['event'], runId: string) =>
    events.filter((e) => e.event === event && e.payload.runId === runId).map((e) => e.payload as T);
  return {
    socket,
    events,
    history,
    started: (runId) => of<RunStarted>('run:started', runId)[0],
    output: (runId) => of<RunOutputChunk>('run:output', runId),
    result: (runId) => of<RunResult>('run:result', runId)[0],
  };
}

describe('POST /api/rooms/:roomId/runs when bubblewrap is missing', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  beforeAll(async () => {
    server = await startTestServer({ SANDBOX_BWRAP_PATH: '/nonexistent/bin/bwrap' });
    room = await createRoom(server.httpUrl, { title: 'No sandbox' });
  });
  afterAll(() => server?.close());

  test('answers 503 with a message naming bubblewrap, while /healthz still answers', async () => {
    const answer = await postRun(server.httpUrl, room.roomId, room.interviewerToken, { language: 'python', code: 'print(1)' });
    expect(answer.status).toBe(503);
    expect(errorOf(answer)?.id).toBe('unavailable');
    expect(errorOf(answer)?.message).toMatch(/bubblewrap/);
    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
  });
});

describe.skipIf(!(requireProgram(BWRAP) && requireProgram(PYTHON3)))('POST /api/rooms/:roomId/runs', () => {
  let server: TestServer;
  let uids: UidRange;
  let room: CreateRoomResponse;
  let otherRoom: CreateRoomResponse;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    uids = privateUidRange();
    server = await startTestServer({
      RUN_MAX_IN_FLIGHT_PER_ROOM: String(MAX_IN_FLIGHT),
      RUN_TIMEOUT_MS: '3000',
      SANDBOX_UID_BASE: String(uids.base),
    });
    room = await createRoom(server.httpUrl, { title: 'Runs API', language: 'python' });
    otherRoom = await createRoom(server.httpUrl, { title: 'Another room' });
  });
  afterEach(() => cleanup.run());
  afterAll(async () => {
    await server?.close();
    if (uids) await waitForNoLiveProcesses(uids);
  });

  const run = (body: unknown, token = room.interviewerToken, headers: Record<string, string> = {}, roomId = room.roomId) =>
    postRun(server.httpUrl, roomId, token, body, headers);

  describe('accepted runs', () => {
    test('the interviewer and the candidate token both get 200 and the result', async () => {
      for (const [token, language, code, stdout] of [
        [room.interviewerToken, 'python', 'print(2 + 3)', '5\n'],
        [room.candidateToken, 'javascript', 'console.log("from the candidate")', 'from the candidate\n'],
      ] as const) {
        const answer = await run({ language, code }, token);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const result = answer.body as RunResult;
        expect(Object.keys(result).sort()).toEqual(RESULT_KEYS);
        expect(result).toMatchObject({ language, status: 'ok', stdout, stderr: '', exitCode: 0, signal: null, timedOut: false, truncated: false });
        expect(result.runId).toMatch(/^[0-9a-f-]{36}$/);
        expect(Number.isInteger(result.durationMs) && result.durationMs >= 0).toBe(true);
      }
    });

    test('stdin reaches the program and a failing program is still a 200 with status "error"', async () => {
      const answer = await run({ language: 'python', code: 'import sys\nprint(input()[::-1])\nsys.exit(2)', stdin: 'olleh\n' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'error', stdout: 'hello\n', exitCode: 2 });
    });

    test(`code of exactly ${RUN_CODE_MAX_BYTES / 1024} KB is accepted`, async () => {
      const head = 'print("edge")\n';
      const code = head + '#'.repeat(RUN_CODE_MAX_BYTES - head.length);
      expect(Buffer.byteLength(code)).toBe(RUN_CODE_MAX_BYTES);
      const answer = await run({ language: 'python', code });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'ok', stdout: 'edge\n' });
    });
  });

  describe('refused runs', () => {
    test('400 for an unknown language, missing code, or an unknown field, naming the problem', async () => {
      for (const [body, field] of [
        [{ language: 'cobol', code: 'DISPLAY "HI".' }, 'language'],
        [{ language: 'python' }, 'code'],
        [{ language: 'python', code: 'print(1)', priority: 'high' }, 'priority'],
      ] as const) {
        const answer = await run(body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(errorOf(answer)?.id).toBe('bad_request');
        expect(errorOf(answer)?.message).toContain(field);
      }
    });

    test(`413 for code over ${RUN_CODE_MAX_BYTES / 1024} KB`, async () => {
      const answer = await run({ language: 'python', code: `print(1)\n${'#'.repeat(RUN_CODE_MAX_BYTES)}` });
      expect(answer.status).toBe(413);
      expect(errorOf(answer)?.id).toBe('body_too_large');
    });

    test('401 for a bad token, a missing token, or a token of another room', async () => {
      for (const token of ['not-a-real-token', undefined, otherRoom.interviewerToken, otherRoom.candidateToken]) {
        const answer = await postRun(server.httpUrl, room.roomId, token, { language: 'python', code: 'print(1)' });
        expect(answer.status, String(token)).toBe(401);
        expect(errorOf(answer)?.id).toBe('unauthorized');
      }
    });

    test('404 for an unknown room and for an unknown problemId', async () => {
      const unknownRoom = await postRun(server.httpUrl, 'UnknownRoom0001', room.interviewerToken, { language: 'python', code: 'print(1)' });
      expect(unknownRoom.status).toBe(404);
      expect(errorOf(unknownRoom)?.id).toBe('room_not_found');
      const unknownProblem = await run({ language: 'python', code: 'print(1)', problemId: 'no-such-problem' });
      expect(unknownProblem.status).toBe(404);
      expect(errorOf(unknownProblem)?.id).toBe('not_found');
      expect(errorOf(unknownProblem)?.message).toContain('no-such-problem');
    });

    test(`429 when RUN_MAX_IN_FLIGHT_PER_ROOM (${MAX_IN_FLIGHT}) runs are already in flight for the room, other rooms unaffected`, async () => {
      const watcher = await observe(server.httpUrl, { roomId: room.roomId, token: room.candidateToken, name: 'Watcher' }, cleanup);
      const sleepers = Array.from({ length: MAX_IN_FLIGHT }, () => run({ language: 'python', code: 'import time\ntime.sleep(60)' }));
      await waitFor(() => watcher.events.filter((e) => e.event === 'run:started').length === MAX_IN_FLIGHT, 10_000, 'both sleeping runs to start');

      const refused = await run({ language: 'python', code: 'print("one too many")' });
      expect(refused.status).toBe(429);
      expect(errorOf(refused)?.id).toBe('rate_limited');
      expect(watcher.events.filter((e) => e.event === 'run:started')).toHaveLength(MAX_IN_FLIGHT); // never started

      const elsewhere = await run({ language: 'python', code: 'print("other room")' }, otherRoom.interviewerToken, {}, otherRoom.roomId);
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body).toMatchObject({ status: 'ok', stdout: 'other room\n' });

      for (const answer of await Promise.all(sleepers)) {
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ status: 'timeout', timedOut: true });
      }
      // The slots are free again.
      const after = await run({ language: 'python', code: 'print("room free again")' });
      expect(after.status).toBe(200);
    });
  });

  describe('Socket.IO events', () => {
    test('the other person receives run:started, streamed run:output chunks, then run:result', async () => {
      const candidate = await observe(server.httpUrl, { roomId: room.roomId, token: room.candidateToken, name: 'Cleo' }, cleanup);
      const code = ['import time', 'for i in range(3):', '    print(f"tick {i}", flush=True)', '    time.sleep(0.4)', 'print("done")'].join('\n');
      let httpAnswered = false;
      const answering = run({ language: 'python', code }, room.interviewerToken, { 'x-display-name': 'Ines' }).finally(() => {
        httpAnswered = true;
      });
      // The first chunk arrives while the program is still running (it sleeps 1.2 s after it).
      await waitFor(() => candidate.events.some((e) => e.event === 'run:output'), 10_000, 'the first run:output');
      const answeredAtFirstChunk = httpAnswered;
      const answer = await answering;
      expect(answer.status).toBe(200);
      const result = answer.body as RunResult;
      await waitFor(() => candidate.result(result.runId) !== undefined, 10_000, 'run:result on the candidate socket');

      expect(answeredAtFirstChunk, 'output streamed before the run ended').toBe(false);
      expect(candidate.started(result.runId)).toMatchObject({ runId: result.runId, language: 'python', startedBy: { name: 'Ines', role: 'interviewer' } });
      expect(Number.isNaN(Date.parse(candidate.started(result.runId)!.startedAt))).toBe(false);
      const chunks = candidate.output(result.runId);
      expect(chunks.length).toBeGreaterThanOrEqual(2);
      expect(chunks.every((chunk) => chunk.stream === 'stdout')).toBe(true);
      expect(chunks.map((chunk) => chunk.data).join('')).toBe('tick 0\ntick 1\ntick 2\ndone\n');
      expect(candidate.result(result.runId)).toEqual(result);

      // Order for this run: started, every output chunk, then the result.
      const order = candidate.events.filter((e) => e.payload.runId === result.runId).map((e) => e.event);
      expect(order[0]).toBe('run:started');
      expect(order.at(-1)).toBe('run:result');
      expect(order.slice(1, -1).every((event) => event === 'run:output')).toBe(true);
    });

    test("a candidate's run reaches the interviewer the same way", async () => {
      const interviewer = await observe(server.httpUrl, { roomId: room.roomId, token: room.interviewerToken, name: 'Ines' }, cleanup);
      const answer = await run({ language: 'typescript', code: 'const n: number = 21;\nconsole.log(n * 2);' }, room.candidateToken, { 'x-display-name': 'Cleo' });
      expect(answer.status).toBe(200);
      const result = answer.body as RunResult;
      await waitFor(() => interviewer.result(result.runId) !== undefined, 10_000, 'run:result on the interviewer socket');
      expect(interviewer.started(result.runId)?.startedBy).toEqual({ name: 'Cleo', role: 'candidate' });
      expect(interviewer.output(result.runId).map((chunk) => chunk.data).join('')).toBe('42\n');
      expect(interviewer.result(result.runId)).toEqual(result);
    });

    test('run:history on join lists earlier runs with who ran them', async () => {
      const named = await run({ language: 'python', code: 'print("by Zoë")' }, room.interviewerToken, { 'x-display-name': encodeURIComponent('Zoë Ångström') });
      const unnamed = await run({ language: 'javascript', code: 'process.exit(1)' }, room.candidateToken);
      expect([named.status, unnamed.status]).toEqual([200, 200]);
      const namedId = (named.body as RunResult).runId;
      const unnamedId = (unnamed.body as RunResult).runId;

      const late = await observe(server.httpUrl, { roomId: room.roomId, token: room.candidateToken, name: 'Late joiner' }, cleanup);
      const history = await late.history;
      expect(history.length).toBeLessThanOrEqual(20);
      expect(history.find((entry) => entry.runId === namedId)).toMatchObject({
        language: 'python',
        status: 'ok',
        startedBy: { name: 'Zoë Ångström', role: 'interviewer' },
      });
      expect(history.find((entry) => entry.runId === unnamedId)).toMatchObject({
        language: 'javascript',
        status: 'error',
        startedBy: { name: 'Candidate', role: 'candidate' },
      });
      for (const entry of history) {
        expect(typeof entry.durationMs).toBe('number');
        expect(Number.isNaN(Date.parse(entry.startedAt))).toBe(false);
      }
      // Another room's history holds none of these runs.
      const outsider = await observe(server.httpUrl, { roomId: otherRoom.roomId, token: otherRoom.candidateToken, name: 'Outsider' }, cleanup);
      expect((await outsider.history).map((entry) => entry.runId)).not.toContain(namedId);
    });
  });
});
