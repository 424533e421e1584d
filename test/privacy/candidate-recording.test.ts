// Records every byte a candidate's connections receive during a whole interview (Yjs frames,
// Socket.IO events, HTTP responses) and searches it for interviewer-only data: rubric lines,
// reference solutions, hidden test inputs and expected values, grading output, notes, scores.
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';

const recorded: string[] = [];
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
    const leaky = 'def ndcg_at_k(rows, k=10, **kwargs):\n    print("ECHO-INPUT", list(rows), k)\n    return 0.0\n';
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
    ] as const) {
      expect((await call(path, room.candidateToken, { method })).status, `${method} ${path}`).toBe(403);
    }
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
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of secrets.filter((s) => s.length >= 6)) expect(everything, `leaked: ${secret}`).not.toContain(secret);

    // And the shared document holds only code and language metadata.
    expect([...candidateDoc.share.keys()].every((name) => name === 'meta' || name.startsWith('code'))).toBe(true);
  });
});
