// Child process of the unsandboxed SQL baseline: PGlite with the default dataset, answering
// one query per stdin line ({"sql"}) with one stdout line ({"stdout"} or {"error"}). It runs
// apart from the benchmark so PGlite's ~0.8 GB does not slow the in-process server's fork().
// PGlite starts on the first query, so that answer includes the engine start. Exits when
// stdin closes.
import readline from 'node:readline';
import { PGlite } from '@electric-sql/pglite';
import { DEFAULT_SQL_DATASET } from '../../../server/sandbox/languages/sql/default-dataset.ts';
import { formatResultSet } from '../../../server/sandbox/languages/sql/format-results.ts';

let db: Promise<PGlite> | undefined;
const open = async () => {
  const created = await PGlite.create();
  await created.exec(DEFAULT_SQL_DATASET);
  return created;
};

async function answer(sql: string): Promise<string> {
  db ??= open();
  const results = await (await db).exec(sql);
  const rowsOf = (r: (typeof results)[number]) => r.rows.map((row) => r.fields.map((f) => (row as Record<string, unknown>)[f.name]));
  return results.map((r) => formatResultSet({ fields: r.fields.map((f) => f.name), rows: rowsOf(r) })).join('\n');
}

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of lines) {
  const reply = await answer((JSON.parse(line) as { sql: string }).sql).then(
    (stdout) => ({ stdout }),
    (error: unknown) => ({ error: (error as Error).message }),
  );
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}
if (db) await (await db).close();
