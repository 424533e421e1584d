// Records every byte a candidate's connections receive during a whole interview (Yjs frames,
// Socket.IO events, HTTP responses, the run history) and searches it for interviewer-only data:
// rubric lines, reference solutions, hidden test names, inputs and expected values, grading
// output, notes, scores. The candidate's graded code hunts for the hidden cases (harness
// globals, stack frames, gc, fd 3) and sends them out through every channel it has.
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { RunResult } from '../../shared/run.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';

const recorded: string[] = [];

// Graded code that looks for the test cases everywhere it can and returns them (odd calls),
// raises them (even calls) and prints them.
const HOSTILE_NDCG = String.raw`
import gc, json, os, sys

def _found():
    found = []
    def visit(value, depth=0):
        if depth > 4:
            return
        if isinstance(value, dict):
            if "args" in value and "name" in value:
                found.append(value)
            for key in ("grade", "cases", "payload"):
                if key in value:
                    visit(value[key], depth + 1)
        elif isinstance(value, (list, tuple)):
            for item in value[:200]:
                visit(item, depth + 1)
        elif isinstance(value, (bytes, str)) and "args" in str(value):
            try:
                visit(json.loads(value), depth + 1)
            except Exception:
                pass
    main = sys.modules.get("__main__")
    visit(list(vars(main).values()))
    frame = sys._getframe()
    while frame is not None:
        visit(list(frame.f_locals.values()))
        visit(list(frame.f_globals.values()))
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "args" in obj and "name" in obj:
            found.append(obj)
    try:
        visit(os.read(3, 1 << 22))
    except OSError:
        pass
    # One copy of each (the same case turns up in several places).
    return list({str(c.get("name")): {"name": c.get("name"), "args": c.get("args")} for c in found}.values())

calls = 0

def ndcg_at_k(rows, k=10, **kwargs):
    global calls
    calls += 1
    found = _found()
    # Short enough that the grading run stays within the output limit.
    print("ECHO-INPUT", json.dumps(list(rows))[:300], k, json.dumps(found)[:1500])
    print(json.dumps(found)[:1500], file=sys.stderr)
    if calls % 2:
        return found
    raise ValueError(json.dumps(found, separators=(",", ":"))[:490])
`;
const decoder = new TextDecoder('utf-8', { fatal: false });

/** A WebSocket that keeps a copy of every frame it receives. */
class RecordingWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols);
    this.on('message', (data: WebSocket.RawData) => recorded.push(decoder.decode(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer))));
  }
}

describe.skipIf(!requireProgram(BWRAP))('a candidate connection never receives interviewer-only data', () => {
  let server: TestServer;
  let room: Awaited<ReturnType<typeof createRoom>>;
  let candidateSocket: Socket<ServerToClientEvents, ClientToServerEvents>;
  let interviewerSocket: Socket<ServerToClientEvents, ClientToServerEvents>;
  let candidateDoc: Y.Doc;
  let candidateProvider: WebsocketProvider;

  const call = async (path: string, token: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.httpUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
    const body = await response.text();
    if (token === room.candidateToken) recorded.push(body);
    return { status: response.status, body };
  };

  beforeAll(async () => {
    server = await startTestServer();
    room = await createRoom(server.httpUrl, { title: 'Privacy drill' });
    candidateSocket = connectSocket(server.httpUrl, {
      path: '/socket.io/',
      transports: ['websocket'],
      auth: { roomId: room.roomId, token: room.candidateToken, name: 'Casey' },
    });
    candidateSocket.onAny((event, ...args) => recorded.push(`${event} ${JSON.stringify(args)}`));
    interviewerSocket = connectSocket(server.httpUrl, {
      path: '/socket.io/',
      transports: ['websocket'],
      auth: { roomId: room.roomId, token: room.interviewerToken, name: 'Ivy' },
    });
    candidateDoc = new Y.Doc();
    candidateProvider = new WebsocketProvider(`${server.wsUrl}/yjs`, room.roomId, candidateDoc, {
      params: { token: room.candidateToken },
      WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
    });
    await new Promise<void>((resolve) => candidateProvider.once('sync', () => resolve()));
  });

  afterAll(async () => {
    candidateProvider?.destroy();
    candidateSocket?.disconnect();
    interviewerSocket?.disconnect();
    await server?.close();
  });

  test('a full interview, then a search of the recording', async () => {
    const bank = server.app.bank.problems;
    const coding = bank.get('ndcg-at-k')!;
    const behavioral = [...bank.values()].find((p) => p.meta.kind === 'behavioral')!;

    // The interviewer uses a coding question and a behavioral question.
    expect((await call(`/api/rooms/${room.roomId}/problems`, room.interviewerToken, { method: 'POST', body: JSON.stringify({ problemId: behavioral.meta.id }) })).status).toBe(201);
    expect((await call(`/api/rooms/${room.roomId}/problems`, room.interviewerToken, { method: 'POST', body: JSON.stringify({ problemId: coding.meta.id }) })).status).toBe(201);

    // The candidate reads the problems of its room (the bank list is interviewers' only) and runs
    // code that prints whatever the tests pass in.
    expect((await call('/api/problems', room.candidateToken)).status).toBe(403);
    expect((await call(`/api/problems/${coding.meta.id}`, room.candidateToken)).status).toBe(200);
    expect((await call(`/api/problems/${behavioral.meta.id}`, room.candidateToken)).status).toBe(200);
    expect((await call(`/api/rooms/${room.roomId}/problems`, room.candidateToken)).status).toBe(200);
    const leaky = HOSTILE_NDCG;
    const candidateRun = await call(`/api/rooms/${room.roomId}/runs`, room.candidateToken, {
      method: 'POST',
      body: JSON.stringify({ language: 'python', code: leaky, problemId: coding.meta.id }),
    });
    expect(candidateRun.status).toBe(200);
    expect(JSON.parse(candidateRun.body).tests.total).toBe(coding.tests!.cases.length);

    // The interviewer runs the reference solution (full hidden details go to interviewers only).
    const interviewerRun = await call(`/api/rooms/${room.roomId}/runs`, room.interviewerToken, {
      method: 'POST',
      body: JSON.stringify({ language: 'python', code: coding.solutions.python, problemId: coding.meta.id }),
    });
    expect(JSON.parse(interviewerRun.body).tests.passed).toBe(coding.tests!.cases.length);

    // Notes and scores.
    const note = 'PRIVATE-NOTE-7f3a: strong on ties, weak on edge cases';
    const draft = {
      scores: { [coding.meta.id]: 3, [behavioral.meta.id]: 4 },
      notes: [{ id: coding.meta.id, problemId: coding.meta.id, text: note, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }],
      practical: { status: 'pending', criteria: {} },
    };
    expect((await call(`/api/rooms/${room.roomId}/scorecard`, room.interviewerToken, { method: 'PUT', body: JSON.stringify(draft) })).status).toBe(200);
    expect((await call(`/api/rooms/${room.roomId}/scorecard/submit`, room.interviewerToken, { method: 'POST' })).status).toBe(200);

    // The candidate tries every interviewer-only route.
    for (const [path, method] of [
      [`/api/rooms/${room.roomId}/scorecard`, 'GET'],
      [`/api/rooms/${room.roomId}/scorecards`, 'GET'],
      [`/api/rooms/${room.roomId}/report?format=json`, 'GET'],
      [`/api/rooms/${room.roomId}/scorecard/submit`, 'POST'],
      [`/api/rooms/${room.roomId}/interviewers`, 'POST'],
      [`/api/rooms/${room.roomId}/end`, 'POST'],
      [`/api/rooms/${room.roomId}/runs/graded-count`, 'GET'],
    ] as const) {
      expect((await call(path, room.candidateToken, { method })).status, `${method} ${path}`).toBe(403);
    }
    // A candidate joining now gets the run history.
    const late = connectSocket(server.httpUrl, {
      path: '/socket.io/',
      transports: ['websocket'],
      auth: { roomId: room.roomId, token: room.candidateToken, name: 'Casey late' },
    });
    await new Promise<void>((resolve) => late.once('run:history', (payload) => resolve(void recorded.push(`run:history ${JSON.stringify(payload)}`))));
    late.disconnect();
    // A round trip on the candidate's socket: everything broadcast before it has arrived.
    await new Promise<void>((resolve) => {
      candidateSocket.once('presence:update', () => resolve());
      candidateSocket.emit('presence:set', { name: 'Casey again' });
    });

    const everything = recorded.join('\n');
    // The recording is real: it holds what the candidate is allowed to see.
    expect(everything).toContain(coding.statement.split('\n')[0]!);
    expect(everything).toContain('run:result');

    const secrets = [
      ...coding.rubric.strongAnswer,
      ...coding.rubric.followUps,
      ...coding.rubric.redFlags,
      ...behavioral.rubric.strongAnswer,
      ...(behavioral.modelAnswer ? [behavioral.modelAnswer.trim().slice(0, 60)] : []),
      'def _dcg(labels, k)', // a line of the reference solution
      'ECHO-INPUT', // printed while hidden cases ran
      note,
      // Keys of private structures, as they would appear in JSON.
      '"strongAnswer"',
      '"redFlags"',
      '"recommendation"',
      '"gradingOutput"',
      '"solutions"',
      '"scores"',
    ];
    // Expected values of hidden cases (those not also expected by a public case).
    const cases = coding.tests!.kind === 'code' ? coding.tests!.cases : [];
    const publicValues = new Set(cases.filter((c) => !c.hidden).map((c) => JSON.stringify(c.expected)));
    for (const hidden of cases.filter((c) => c.hidden)) {
      const value = JSON.stringify(hidden.expected);
      if (typeof hidden.expected === 'number' && !Number.isInteger(hidden.expected) && !publicValues.has(value)) secrets.push(value);
    }
    // Hidden cases' names and inputs, as the hostile code would send them (JSON, also inside a string).
    const visible = JSON.stringify([coding.statement, cases.filter((c) => !c.hidden)]);
    for (const hidden of cases.filter((c) => c.hidden)) {
      if (hidden.name.length >= 6 && !visible.includes(hidden.name)) secrets.push(hidden.name);
      const input = JSON.stringify(hidden.args).slice(0, 60);
      if (!visible.includes(input)) secrets.push(input, JSON.stringify(input).slice(1, -1));
    }
    expect(secrets.length).toBeGreaterThan(20);
    // The hunt worked: in the interviewer's report, what the candidate's code produced for the
    // hidden cases (values, messages, output) holds hidden inputs.
    const report = JSON.parse((await call(`/api/rooms/${room.roomId}/report?format=json`, room.interviewerToken)).body) as { runs: RunResult[] };
    const hunted = report.runs.find((r) => r.runId === JSON.parse(candidateRun.body).runId)!;
    const produced = JSON.stringify([hunted.tests!.cases.filter((c) => c.hidden).map((c) => [c.actual, c.message]), hunted.gradingOutput]);
    expect(secrets.some((secret) => produced.includes(secret)), 'the hostile code found no hidden case').toBe(true);
    for (const secret of secrets.filter((s) => s.length >= 6)) expect(everything, `leaked: ${secret}`).not.toContain(secret);

    // And the shared document holds only code and language metadata.
    expect([...candidateDoc.share.keys()].every((name) => name === 'meta' || name.startsWith('code'))).toBe(true);
  });
});
