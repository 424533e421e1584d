// What a candidate link may read of the problem bank: only the problems used in its room,
// only while the room is active, and never hidden case names, solutions or the rubric. The bank
// list is for interviewers. Found by a hostile candidate browsing the whole bank with its link.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CandidateProblem, InterviewerProblem } from '../../shared/problem.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startServerProcess, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

// A problem whose hidden case names give the cases away ("k = 0 raises ValueError").
const USED = 'ndcg-at-k';
const UNUSED = 'dedupe-and-rank';

let server: TestServer;
let room: CreateRoomResponse;
beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.httpUrl);
  const used = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/problems`, {
    method: 'POST',
    headers: { authorization: `Bearer ${room.interviewerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ problemId: USED }),
  });
  expect(used.status).toBe(201);
});
afterAll(() => server?.close());

const get = (path: string, token: string) => fetch(`${server.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
const errorOf = async (response: Response) => ((await response.json()) as { error: { id: string; message: string } }).error;

function hiddenNames(problem: InterviewerProblem): string[] {
  return (problem.tests?.cases ?? []).filter((c) => c.hidden).map((c) => c.name);
}

describe('the problem bank and a candidate link', () => {
  let full: InterviewerProblem;
  beforeAll(async () => {
    full = (await (await get(`/api/problems/${USED}`, room.interviewerToken)).json()) as InterviewerProblem;
  });

  test('the bank list is for interviewers: a candidate gets 403 with a message', async () => {
    const refused = await get('/api/problems', room.candidateToken);
    expect(refused.status).toBe(403);
    const error = await errorOf(refused);
    expect(error.id).toBe('forbidden');
    expect(error.message).toMatch(/interviewer/i);
    expect((await get('/api/problems', room.interviewerToken)).status).toBe(200);
  });

  test('a problem not used in the room: 403, by either path', async () => {
    for (const path of [`/api/problems/${UNUSED}`, `/api/rooms/${room.roomId}/problems/${UNUSED}`]) {
      const refused = await get(path, room.candidateToken);
      expect(refused.status, path).toBe(403);
      expect((await errorOf(refused)).id).toBe('forbidden');
    }
  });

  test('a problem used in the room: statement and public examples, hidden cases only as "Hidden test N"', async () => {
    const names = hiddenNames(full);
    expect(names).toContain('k = 0 raises ValueError'); // the interviewer keeps the names
    for (const path of [`/api/problems/${USED}`, `/api/rooms/${room.roomId}/problems/${USED}`, `/api/rooms/${room.roomId}/problems`]) {
      const response = await get(path, room.candidateToken);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      for (const name of names) expect(text, path).not.toContain(name);
      for (const secret of [...Object.values(full.solutions), ...full.rubric.strongAnswer]) expect(text, path).not.toContain(secret);
      const body = JSON.parse(text) as CandidateProblem | { problems: CandidateProblem[] };
      const problem = 'problems' in body ? body.problems[0]! : body;
      expect(Object.keys(problem)).not.toEqual(expect.arrayContaining(['solutions']));
      for (const key of ['solutions', 'rubric', 'modelAnswer', 'tests']) expect(problem, `${path} ${key}`).not.toHaveProperty(key);
      expect(problem.statement).toBe(full.statement);
      expect(problem.hiddenTests).toEqual(names.map((_, i) => `Hidden test ${i + 1}`));
    }
  });

  test('a token from another room reads nothing of this room', async () => {
    const other = await createRoom(server.httpUrl);
    expect((await get(`/api/problems/${USED}`, other.candidateToken)).status).toBe(403);
    expect((await get(`/api/rooms/${room.roomId}/problems/${USED}`, other.candidateToken)).status).toBe(401);
  });

  test('after the interview ends: 403 room_ended for the candidate; the interviewer still reads everything', async () => {
    const ended = await createRoom(server.httpUrl);
    const auth = { authorization: `Bearer ${ended.interviewerToken}`, 'content-type': 'application/json' };
    await fetch(`${server.httpUrl}/api/rooms/${ended.roomId}/problems`, { method: 'POST', headers: auth, body: JSON.stringify({ problemId: USED }) });
    expect((await get(`/api/problems/${USED}`, ended.candidateToken)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/api/rooms/${ended.roomId}/end`, { method: 'POST', headers: auth })).status).toBe(200);
    for (const path of [`/api/problems/${USED}`, `/api/rooms/${ended.roomId}/problems/${USED}`, `/api/rooms/${ended.roomId}/problems`, '/api/problems']) {
      const refused = await get(path, ended.candidateToken);
      expect(refused.status, path).toBe(403);
      expect((await errorOf(refused)).id, path).toBe('room_ended');
    }
    const interviewer = await get(`/api/problems/${USED}`, ended.interviewerToken);
    expect(interviewer.status).toBe(200);
    expect(hiddenNames((await interviewer.json()) as InterviewerProblem)).toEqual(hiddenNames(full));
    expect((await get('/api/problems', ended.interviewerToken)).status).toBe(200);
    expect((await get(`/api/rooms/${ended.roomId}/problems/${USED}`, ended.interviewerToken)).status).toBe(200);
  });
});

describe('ROOM_CREATE_KEY', () => {
  test('the startup log says that without it anyone who can reach the server can read the bank', async () => {
    const open = await startServerProcess(tempDataDir());
    await open.stop();
    expect(open.output()).toMatch(/ROOM_CREATE_KEY is not set: anyone who can reach this server can create a room and thereby read the problem bank, hidden tests and solutions/);
    const keyed = await startServerProcess(tempDataDir(), { ROOM_CREATE_KEY: 'k'.repeat(32) });
    await keyed.stop();
    expect(keyed.output()).toContain('serving http://localhost:');
    expect(keyed.output()).not.toContain('ROOM_CREATE_KEY is not set');
  });
});
