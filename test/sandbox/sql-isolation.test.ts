// Hostile SQL through the real server: every run, and every graded run, gets an engine no
// other run has used, so nothing one leaves behind (files written by COPY TO or lo_export,
// configuration, sequences, roles, large objects) reaches a later run or another room; one
// room's slow queries do not hold up another room; and a graded run has one time budget for
// all its cases.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResult } from '../../shared/run.ts';
import { REPO_ROOT, createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Long enough that a cold SQL run on a busy machine fits; the sleeping queries outlast it. */
const TIMEOUT_MS = 15_000;
/** The graded problem's budget: its slow cases together need several times this. */
const GRADED_TIMEOUT_MS = 6_000;
const SLOW_CASE_SECONDS = 2;

interface Room {
  roomId: string;
  token: string;
}

async function run(server: TestServer, room: Room, code: string, problemId?: string): Promise<RunResult> {
  const response = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${room.token}` },
    body: JSON.stringify({ language: 'sql', code, problemId }),
  });
  const body = (await response.json()) as RunResult;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function newRoom(server: TestServer): Promise<Room> {
  const room = await createRoom(server.httpUrl);
  return { roomId: room.roomId, token: room.interviewerToken };
}

/** A copy of the bank's SQL problem whose cases sleep: 2 quick ones, then 10 that take SLOW_CASE_SECONDS each. */
function slowProblemDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slow-sql-problem-'));
  const dir = path.join(root, 'slow-sql');
  fs.cpSync(path.join(REPO_ROOT, 'problems/daily-ctr-sql'), dir, { recursive: true });
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'problem.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'problem.json'), JSON.stringify({ ...meta, id: 'slow-sql', title: 'Sleeps per case' }));
  const cases = Array.from({ length: 12 }, (_, i) => ({
    name: i < 2 ? `quick ${i + 1}` : `slow ${i + 1}`,
    hidden: false,
    setup: `CREATE TABLE pause (seconds float); INSERT INTO pause VALUES (${i < 2 ? 0 : SLOW_CASE_SECONDS});`,
    expected: { columns: ['done'], rows: [[1]] },
  }));
  fs.writeFileSync(path.join(dir, 'tests.json'), JSON.stringify({ kind: 'sql', schema: 'CREATE TABLE marker (n int);', numericTolerance: 0, cases }));
  return root;
}

describe.skipIf(!requireProgram(BWRAP))('SQL runs are isolated from each other', () => {
  let server: TestServer;
  let problemsRoot: string;

  beforeAll(async () => {
    problemsRoot = slowProblemDir();
    server = await startTestServer({ RUN_TIMEOUT_MS: String(TIMEOUT_MS), RUN_CONCURRENCY: '4', PROBLEMS_DIRS: problemsRoot });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (problemsRoot) fs.rmSync(problemsRoot, { recursive: true, force: true });
  });

  test('a file written by COPY TO or lo_export in one run is not there for the next run', async () => {
    const room = await newRoom(server);
    const writing = await run(
      server,
      room,
      [
        "COPY (SELECT click_id, user_id FROM ad_clicks) TO '/tmp/leak.csv';",
        "SELECT lo_from_bytea(4243, 'left by run one');",
        "SELECT lo_export(4243, '/tmp/leak.bin');",
      ].join('\n'),
    );
    expect(writing.status, writing.stderr).toBe('ok');
    const reading = await run(server, room, "SELECT pg_read_file('/tmp/leak.csv') AS csv;");
    expect(reading.stdout).not.toContain('1001');
    expect(reading.status).toBe('error');
    const binary = await run(server, room, "SELECT pg_read_binary_file('/tmp/leak.bin') AS bin;");
    expect(binary.status).toBe('error');
    const listing = await run(server, room, "SELECT name FROM pg_ls_dir('/tmp') AS name WHERE name LIKE 'leak%';");
    expect(listing.stdout).not.toContain('leak');
  }, 120_000);

  test('statistics, sequences, roles, settings and large objects made by one run are absent in the next', async () => {
    const room = await newRoom(server);
    const state = [
      "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'ad_clicks';",
      "SELECT count(*) AS sequences FROM pg_class WHERE relname = 'leaked_seq';",
      "SELECT count(*) AS roles FROM pg_roles WHERE rolname = 'leaked_role';",
      'SELECT count(*) AS large_objects FROM pg_largeobject_metadata WHERE oid = 424242;',
      "SELECT coalesce(current_setting('app.leaked', true), 'unset') AS leaked;",
      'SHOW datestyle;',
    ].join('\n');
    const before = await run(server, room, state);
    expect(before.status, before.stderr).toBe('ok');
    // Cumulative statistics are not rolled back: each scan below would count in a shared engine.
    const changing = await run(
      server,
      room,
      [
        ...Array.from({ length: 7 }, () => 'SELECT count(*) FROM ad_clicks;'),
        'CREATE SEQUENCE leaked_seq;',
        "SELECT nextval('leaked_seq');",
        'CREATE ROLE leaked_role;',
        "SELECT lo_from_bytea(424242, 'large object');",
        "SELECT set_config('app.leaked', 'yes', false);",
        "SET datestyle = 'German';",
        'COMMIT;',
      ].join('\n'),
    );
    expect(changing.status, changing.stderr).toBe('ok');
    const after = await run(server, room, state);
    expect(after.status, after.stderr).toBe('ok');
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout).toContain(' sequences\n-----------\n 0\n');
    expect(after.stdout).toContain(' unset\n');
  }, 120_000);

  test("room A's file, written while its run is still going, is invisible to room B's run", async () => {
    const roomA = await newRoom(server);
    const roomB = await newRoom(server);
    let aFinished = false;
    const runA = run(server, roomA, "COPY (SELECT 'secret of room A' AS s) TO '/tmp/room-a.txt';\nSELECT pg_sleep(4);").finally(() => {
      aFinished = true;
    });
    await waitFor(() => server.app.runs.inFlightCount === 1, 10_000, "room A's run to start");
    const runB = await run(server, roomB, "SELECT pg_read_file('/tmp/room-a.txt') AS stolen;");
    expect(runB.stdout).not.toContain('secret of room A');
    expect(runB.status).toBe('error');
    const resultA = await runA;
    expect(resultA.status, resultA.stderr).toBe('ok');
    expect(aFinished).toBe(true);
  }, 120_000);

  test("the engine sees no host files: pg_read_file of /etc/passwd fails and pg_ls_dir('/') lists none of the host's folders", async () => {
    const room = await newRoom(server);
    const reading = await run(server, room, "SELECT pg_read_file('/etc/passwd');");
    expect(reading.status).toBe('error');
    expect(reading.stdout).not.toContain('root:');
    const listing = await run(server, room, "SELECT pg_ls_dir('/') AS entry ORDER BY 1;");
    expect(listing.stdout).not.toMatch(/^ (etc|usr|work|root|opt|bin)\s*$/m);
  }, 120_000);

  test("while room A's sleeping queries hold three runs, room B's SELECT 1 finishes before A's second and third", async () => {
    const roomA = await newRoom(server);
    const roomB = await newRoom(server);
    const finished: string[] = [];
    // They sleep past RUN_TIMEOUT_MS: each holds its slot until stopped.
    const runsA = [1, 2, 3].map((n) =>
      run(server, roomA, `SELECT pg_sleep(${(TIMEOUT_MS / 1000) * 2}) AS a${n};`).then((result) => {
        finished.push(`A${n}`);
        return result;
      }),
    );
    await waitFor(() => server.app.runs.inFlightCount === 3, 10_000, "room A's three runs to be admitted");
    const resultB = await run(server, roomB, 'SELECT 1 AS one;');
    finished.push('B');
    expect(resultB.status, resultB.stderr).toBe('ok');
    expect(resultB.stdout).toBe(' one\n-----\n 1\n(1 row)\n');
    const resultsA = await Promise.all(runsA);
    for (const result of resultsA) expect(result.status).toBe('timeout');
    // B may even finish before A's first run; it must not wait behind A's later ones.
    expect(finished.indexOf('B'), finished.join(' ')).toBeLessThan(finished.indexOf(finished.filter((name) => name !== 'B')[1]!));
  }, 180_000);
});

describe.skipIf(!requireProgram(BWRAP))('a graded SQL run has one time budget for all its cases', () => {
  let server: TestServer;
  let problemsRoot: string;

  beforeAll(async () => {
    problemsRoot = slowProblemDir();
    server = await startTestServer({ RUN_TIMEOUT_MS: String(GRADED_TIMEOUT_MS), PROBLEMS_DIRS: problemsRoot });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (problemsRoot) fs.rmSync(problemsRoot, { recursive: true, force: true });
  });

  test('the quick first cases pass, the run stops within its budget, and the last slow cases report running out of time', async () => {
    expect(server.app.bank.problems.get('slow-sql')?.tests?.cases).toHaveLength(12);
    const room = await newRoom(server);
    // Each case sleeps as long as its setup says, then answers 1.
    const query = 'SELECT length(pg_sleep(seconds)::text) + 1 AS done FROM pause;';
    const result = await run(server, room, query, 'slow-sql');
    const cases = result.tests!.cases;
    expect(cases).toHaveLength(12);
    expect(cases[0]).toMatchObject({ name: 'quick 1', passed: true });
    expect(cases[1]).toMatchObject({ name: 'quick 2' });
    // Ten slow cases need 10 * SLOW_CASE_SECONDS together, several budgets: the last ones never ran.
    const last = cases.at(-1)!;
    expect(last.name).toBe('slow 12');
    expect(last.passed).toBe(false);
    expect(last.message).toMatch(/time/);
    expect(cases.filter((c) => c.passed).length).toBeLessThan(12);
  }, 180_000);
});
