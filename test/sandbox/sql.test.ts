// SQL runs on PGlite (Postgres in WebAssembly) in the process sandbox, an engine per run:
// results print as psql-like tables, errors as "ERROR: ...", every run starts from the
// pristine dataset whatever the previous one did, and a query that never ends is stopped
// without breaking the next one.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandboxRunner, type TestRunner } from '../helpers/sandbox.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';
import type { RunResult } from '../../shared/run.ts';

// Each run starts its own engine (~0.5 s, more on a busy machine): this leaves the queries room.
const TIMEOUT_MS = 5000;
const OUTPUT_MAX_BYTES = 64 * 1024;
// The first run of a dataset makes its dump (initdb in WebAssembly): seconds on a busy machine.
const ENGINE_START_MS = 90_000;

let sql: TestRunner;

const run = (code: string): Promise<RunResult & { streamed: string }> => sql.run('sql', code);

const countClicks = async (): Promise<string> => (await run('SELECT count(*) AS n FROM ad_clicks;')).stdout;
const SIX_CLICKS = ' n\n---\n 6\n(1 row)\n';

describe.skipIf(!requireProgram(BWRAP))('SQL runs on PGlite', () => {
  beforeAll(async () => {
    sql = startSandboxRunner({ RUN_TIMEOUT_MS: String(TIMEOUT_MS), RUN_OUTPUT_MAX_BYTES: String(OUTPUT_MAX_BYTES) });
    await sql.run('sql', 'SELECT 1;');
  }, ENGINE_START_MS);

  afterAll(() => sql?.close());

  test("a SELECT with INTERVAL '24 hours' on the default dataset prints a table", async () => {
    const result = await run(
      [
        'SELECT i.impression_id, count(c.click_id) AS clicks_24h',
        'FROM ad_impressions i',
        'LEFT JOIN ad_clicks c ON c.impression_id = i.impression_id',
        "  AND c.occurred_at >= i.occurred_at AND c.occurred_at < i.occurred_at + INTERVAL '24 hours'",
        'GROUP BY i.impression_id',
        'ORDER BY i.impression_id;',
      ].join('\n'),
    );
    expect(result).toMatchObject({ language: 'sql', status: 'ok', stderr: '', exitCode: 0, signal: null, timedOut: false, truncated: false });
    expect(result.stdout).toBe(
      [
        ' impression_id | clicks_24h',
        '---------------+------------',
        ' 1             | 2',
        ' 2             | 0',
        ' 3             | 0',
        ' 4             | 1',
        ' 5             | 0',
        ' 6             | 0',
        ' 7             | 1',
        ' 8             | 0',
        '(8 rows)',
        '',
      ].join('\n'),
    );
    expect(result.streamed).toBe(result.stdout);
  });

  test('timestamps print as Postgres writes them', async () => {
    const result = await run("SELECT occurred_at, occurred_at + INTERVAL '24 hours' AS next_day FROM ad_clicks WHERE click_id = 1004;");
    expect(result.status).toBe('ok');
    expect(result.stdout).toContain(' 2024-05-02 00:10:00 | 2024-05-03 00:10:00');
  });

  test('a syntax error gives status "error" and an "ERROR:" line on stderr', async () => {
    const result = await run('SELEC impression_id FROM ad_impressions;');
    expect(result).toMatchObject({ status: 'error', stdout: '', exitCode: 1, timedOut: false });
    expect(result.stderr).toMatch(/^ERROR: .*syntax error/);
    expect(result.streamed).toBe(result.stderr);
  });

  test('changes are rolled back between runs', async () => {
    const deleting = await run('DELETE FROM ad_clicks;\nSELECT count(*) AS n FROM ad_clicks;');
    expect(deleting.status).toBe('ok');
    expect(deleting.stdout).toContain('OK (6 rows affected)');
    expect(deleting.stdout).toContain(' n\n---\n 0\n(1 row)\n'); // the run saw its own change
    expect(await countClicks()).toBe(SIX_CLICKS);

    const creating = await run("CREATE TABLE notes (body text);\nINSERT INTO notes VALUES ('left behind');");
    expect(creating.status).toBe('ok');
    const reading = await run('SELECT * FROM notes;');
    expect(reading.status).toBe('error');
    expect(reading.stderr).toMatch(/^ERROR: relation "notes" does not exist/);
  });

  test('COMMIT inside a run does not leak its changes into the next run', async () => {
    // Several shapes of change, each checked by the next run.
    const attempts: [string, string, string][] = [
      ['COMMIT;\nDELETE FROM ad_clicks;', 'SELECT count(*) AS n FROM ad_clicks;', SIX_CLICKS],
      ['COMMIT;\nDROP TABLE ad_impressions;', 'SELECT count(*) AS n FROM ad_impressions;', ' n\n---\n 8\n(1 row)\n'],
      ['COMMIT;\nUPDATE ad_clicks SET user_id = 0;', 'SELECT count(*) AS n FROM ad_clicks WHERE user_id = 0;', ' n\n---\n 0\n(1 row)\n'],
      ["END;\nINSERT INTO ad_clicks VALUES (9999, 1, 1, '2024-05-01 08:00:00');", 'SELECT count(*) AS n FROM ad_clicks;', SIX_CLICKS],
    ];
    for (const [change, check, pristine] of attempts) {
      expect((await run(change)).status, change).toBe('ok');
      const checked = await run(check);
      expect(checked.stdout, `after "${change}"`).toBe(pristine);
    }
  });

  test('COMMIT AND CHAIN inside a run does not leak its changes into the next run', async () => {
    const committing = await run('DELETE FROM ad_clicks;\nCOMMIT AND CHAIN;');
    expect(committing.status).toBe('ok');
    expect(await countClicks()).toBe(SIX_CLICKS);
  });

  test('session settings changed after a ROLLBACK do not leak into the next run', async () => {
    for (const [setting, value] of [
      ['datestyle', "'German'"],
      ['TimeZone', "'Asia/Tokyo'"],
      ['search_path', 'pg_catalog'],
    ]) {
      const before = await run(`SHOW ${setting};`);
      expect(before.status).toBe('ok');
      expect((await run(`ROLLBACK;\nSET ${setting} = ${value};`)).status).toBe('ok');
      expect((await run(`SHOW ${setting};`)).stdout, `${setting} after "SET ${setting} = ${value}"`).toBe(before.stdout);
    }
    expect((await run("SELECT TIMESTAMP '2024-05-01 08:00:30' AS t;")).stdout).toContain(' 2024-05-01 08:00:30\n');
  });

  test('an endless query ends with status "timeout", and the next query still works', async () => {
    // The series is generated row by row (in the select list): FROM generate_series(...) would
    // materialise it and end on the engine's memory cap instead, as the next test shows.
    const endless = await run('SELECT count(*) FROM (SELECT generate_series(1, 1e12::bigint)) AS s;');
    expect(endless).toMatchObject({ status: 'timeout', timedOut: true, stdout: '', exitCode: null });
    expect(await countClicks()).toBe(SIX_CLICKS);
  });

  test('a query that fills the engine\'s memory ends with status "memory", and the next query still works', async () => {
    // 100 values of 32 MB each, all held for the sort: several times SQL_RUN_MEMORY_BYTES.
    const hoarding = await run('SELECT count(*) FROM (SELECT repeat(md5(g::text), 1000000) AS big FROM generate_series(1, 100) g ORDER BY big) AS s;');
    expect(hoarding).toMatchObject({ status: 'memory', stdout: '', exitCode: null, signal: 'SIGKILL' });
    expect(await countClicks()).toBe(SIX_CLICKS);
  });

  test("the engine cannot read the host's files or write to the host's disk", async () => {
    const reading = await run("SELECT pg_read_file('/etc/passwd');");
    expect(reading.status).toBe('error');
    expect(reading.stdout).not.toContain('root:');
    const listing = await run("SELECT pg_ls_dir('/') AS entry ORDER BY 1;");
    expect(listing.stdout).not.toMatch(/^ (etc|usr|work|root)\s*$/m);
  });

  test('a result larger than RUN_OUTPUT_MAX_BYTES is cut and reported as "output-limit"', async () => {
    const result = await run("SELECT repeat('x', 1000) AS line FROM generate_series(1, 200);");
    expect(result).toMatchObject({ status: 'output-limit', truncated: true });
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
  });
});
