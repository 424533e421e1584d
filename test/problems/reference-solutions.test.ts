// Every graded problem, through the real grader: its reference solution passes every case,
// its starter code does not pass them all (so the tests can tell the difference).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResult } from '../../shared/run.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';

describe.skipIf(!requireProgram(BWRAP))('reference solutions and starters through the grader', () => {
  let server: TestServer;
  let interviewerToken: string;
  let roomId: string;

  beforeAll(async () => {
    // This test is about what the solutions compute. A graded SQL run starts a fresh engine per
    // case inside one RUN_TIMEOUT_MS budget; with browsers running beside it on two cores, the
    // 10 s default ran out (CI); the budget itself is tested in test/sandbox/.
    server = await startTestServer({ RUN_TIMEOUT_MS: '60000' });
    const room = await createRoom(server.httpUrl);
    interviewerToken = room.interviewerToken;
    roomId = room.roomId;
  });
  afterAll(async () => server?.close());

  async function grade(problemId: string, language: string, code: string): Promise<RunResult> {
    const response = await fetch(`${server.httpUrl}/api/rooms/${roomId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${interviewerToken}` },
      body: JSON.stringify({ language, code, problemId }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as RunResult;
  }

  test('the bank has graded problems, including the four the outside tools rely on', () => {
    const graded = [...server.app.bank.problems.values()].filter((p) => p.tests).map((p) => p.meta.id);
    expect(graded).toEqual(expect.arrayContaining(['dedupe-and-rank', 'ndcg-at-k', 'isotonic-calibration', 'daily-ctr-sql']));
  });

  test('each reference solution passes all its cases and each starter fails some', async () => {
    for (const problem of server.app.bank.problems.values()) {
      if (!problem.tests) continue;
      for (const language of problem.meta.languages) {
        const solved = await grade(problem.meta.id, language, problem.solutions[language]!);
        const failures = solved.tests!.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message}`);
        expect(failures, `${problem.meta.id} reference solution (${language})`).toEqual([]);
        expect(solved.tests!.total).toBe(problem.tests.cases.length);

        const starter = await grade(problem.meta.id, language, problem.starters[language]!);
        expect(starter.tests!.passed, `${problem.meta.id} starter (${language})`).toBeLessThan(starter.tests!.total);
      }
    }
  });
});
