// SQL runs on PGlite (Postgres in WebAssembly) inside the sandbox, like any other language:
// each run gets an engine no other run has used or will use, so nothing a query leaves
// behind (files from COPY TO, sequences, settings, roles, large objects) outlives it.
//
// A dataset's engine state is a dump (PGlite's dumpDataDir), made once per dataset by a
// helper run in a sandbox (initdb plus the schema, ~2.5 s) and cached on the host; each run
// loads it in ~0.3 s (loadDataDir). A graded run loads it afresh for every test case, so
// case N cannot leave anything for case N+1.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RunUnavailableError } from '../../../runs/executor.ts';
import type { LanguageRuntime, RuntimeHelpers } from '../language.ts';
import { DEFAULT_SQL_DATASET } from './default-dataset.ts';

/** Where the PGlite package appears inside the sandbox (not its host path: that names the server's checkout). */
const PGLITE_MOUNT = '/opt/pglite';
/** Making a dump runs initdb in WebAssembly: seconds, more on a busy machine. Not the candidate's time. */
const DUMP_TIMEOUT_MS = 60_000;
/** A gzipped dump of a small dataset is ~5 MB; this leaves room for larger problem datasets. */
const DUMP_MAX_BYTES = 64 * 1024 * 1024;
/** Datasets whose dump stays in memory (the bank has a handful of SQL problems). */
const CACHED_DATASETS = 16;
const MAX_MESSAGE_CHARS = 500;

/** The installed PGlite package folder (the one holding package.json and dist/). */
export function pglitePackageDir(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return path.resolve(path.dirname(entry), '..');
}

// Runs inside the sandbox under `node --input-type=module`. Reads its job as JSON from fd 3:
//   {"mode": "dump", "schema"}: a fresh cluster (initdb), the schema, then the gzipped dump
//     as one frame on fd 4;
//   {"code", "dataset", "setup"?}: loads the dataset (base64 gzipped dump), opens a
//     transaction as earlier versions did (so COMMIT AND CHAIN works), runs the setup rows, then
//     the query; results print as psql-like tables, notices and errors on stderr;
//   {"code", "dataset", "grade": {"cases": [{"name", "setup"}]}}: per case a fresh engine
//     from the dump, its setup, the query; one GradedCall frame per case as it finishes (so a
//     run stopped by its time budget still reports the cases it finished). Nothing is printed:
//     notices and errors of hidden cases must not reach the candidate.
// Warm mode compiles PGlite's WebAssembly and reads its file bundle before the job arrives.
const HARNESS = String.raw`
import fs from 'node:fs';
import zlib from 'node:zlib';
const ROOT = ${JSON.stringify(PGLITE_MOUNT)};
const { PGlite } = await import(ROOT + '/dist/index.js');
const pgliteWasmModule = await WebAssembly.compile(fs.readFileSync(ROOT + '/dist/pglite.wasm'));
const fsBundle = new Blob([fs.readFileSync(ROOT + '/dist/pglite.data')]);
if (process.argv[1] === 'warm') fs.writeSync(4, 'R'); // tells the warm pool this engine is loaded

function writeAll(fd, buffer) {
  for (let offset = 0; offset < buffer.length; ) {
    try { offset += fs.writeSync(fd, buffer, offset); }
    catch (error) { if (error.code !== 'EAGAIN') throw error; Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); }
  }
}
function frame(data) {
  const body = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  writeAll(4, Buffer.concat([header, body]));
}

const chunks = [];
const buffer = Buffer.alloc(1 << 20);
for (;;) {
  let n;
  try { n = fs.readSync(3, buffer, 0, buffer.length, null); }
  catch (error) { if (error.code === 'EAGAIN') continue; throw error; }
  if (n === 0) break;
  chunks.push(Buffer.from(buffer.subarray(0, n)));
}
fs.closeSync(3);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));
chunks.length = 0;

// Small shared buffers: the default 128 MB costs ~90 ms per engine start and memory no run of
// an interview dataset uses.
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
// Dates and timestamps stay text exactly as Postgres prints them ("2024-05-01"), which is
// what people expect to read and what graders compare.
const TEXT_TYPES = [1082, 1114, 1184, 1083, 1266, 1186];
const parsers = Object.fromEntries(TEXT_TYPES.map((oid) => [oid, (value) => value]));

if (job.mode === 'dump') {
  const db = await PGlite.create({ pgliteWasmModule, fsBundle, startParams, parsers });
  await db.exec(job.schema);
  await db.exec('CHECKPOINT');
  const tar = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  frame(zlib.gzipSync(tar, { level: 1 }));
  process.exit(0);
}

const dataset = new Blob([zlib.gunzipSync(Buffer.from(job.dataset, 'base64'))]);
delete job.dataset;
const open = () => PGlite.create({ loadDataDir: dataset, pgliteWasmModule, fsBundle, startParams, parsers });
// Results cross a job queue as JSON: bigint (count(*), int8) becomes a number when exact.
const plain = (value) => (typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value);
const rowsOf = (result) => result.rows.map((row) => result.fields.map((field) => plain(row[field.name])));
const message = (error) => String(error && error.message !== undefined ? error.message : error);

if (job.grade) {
  // Whatever the engine might print while cases run (a notice, a log line) stays here.
  process.stdout.write = process.stderr.write = () => true;
  for (const testCase of job.grade.cases) {
    const db = await open();
    let call;
    try {
      await db.exec('BEGIN');
      if (testCase.setup) await db.exec(testCase.setup);
      const last = (await db.exec(job.code)).at(-1);
      call = { name: testCase.name, value: last ? { columns: last.fields.map((f) => f.name), rows: rowsOf(last) } : { columns: [], rows: [] } };
    } catch (error) {
      call = { name: testCase.name, error: 'SQLError', message: message(error).slice(0, ${MAX_MESSAGE_CHARS}) };
    }
    frame(JSON.stringify(call));
    await db.close().catch(() => undefined);
    globalThis.gc?.(); // the closed engine's WebAssembly memory, before the next one takes its own
  }
  process.exit(0);
}

function cell(value) {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
const MAX_ROWS_SHOWN = 500;
// The way psql prints a result set.
function table(result) {
  const fields = result.fields.map((f) => f.name);
  if (fields.length === 0) return 'OK' + (result.affectedRows ? ' (' + result.affectedRows + ' rows affected)' : '') + '\n';
  const rows = rowsOf(result);
  const shown = rows.slice(0, MAX_ROWS_SHOWN).map((row) => row.map(cell));
  const widths = fields.map((name, i) => Math.max(name.length, ...shown.map((row) => row[i].length)));
  const line = (values) => values.map((value, i) => ' ' + value.padEnd(widths[i]) + ' ').join('|').trimEnd();
  const lines = [line(fields), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...shown.map(line)];
  const more = rows.length > shown.length ? ', first ' + shown.length + ' shown' : '';
  lines.push('(' + rows.length + ' ' + (rows.length === 1 ? 'row' : 'rows') + more + ')');
  return lines.join('\n') + '\n';
}

let status = 0;
const db = await open();
try {
  await db.exec('BEGIN');
  if (job.setup) await db.exec(job.setup);
  const onNotice = (notice) => process.stderr.write(notice.severity + ':  ' + notice.message + '\n');
  const results = await db.exec(job.code, { onNotice });
  results.forEach((result, i) => process.stdout.write((i > 0 ? '\n' : '') + table(result)));
} catch (error) {
  process.stderr.write('ERROR: ' + message(error) + '\n');
  status = 1;
}
process.exit(status);
`;

/** Gzipped dumps of the datasets seen so far, as base64 for the JSON job (most recent last). */
class DatasetDumps {
  private readonly dumps = new Map<string, Promise<string>>();

  get(schema: string, helpers: RuntimeHelpers): Promise<string> {
    const key = createHash('sha256').update(schema).digest('hex');
    let dump = this.dumps.get(key);
    if (dump) {
      this.dumps.delete(key);
      this.dumps.set(key, dump);
      return dump;
    }
    dump = helpers.helperRun({ code: '', mode: 'dump', schema }, { timeoutMs: DUMP_TIMEOUT_MS, maxFrameBytes: DUMP_MAX_BYTES }).then((frames) => {
      if (!frames[0]) throw new Error('the engine sent no dump');
      return frames[0].toString('base64');
    });
    this.dumps.set(key, dump);
    // A failure is not remembered: the next run tries again.
    dump.catch(() => this.dumps.delete(key));
    while (this.dumps.size > CACHED_DATASETS) this.dumps.delete(this.dumps.keys().next().value!);
    return dump;
  }
}

export function sqlRuntime(options: { node: string; pgliteDir: string; memoryBytes: number; warmPoolSize: number }): LanguageRuntime {
  const dumps = new DatasetDumps();
  const datasetOf = (schema: string | undefined, helpers: RuntimeHelpers) =>
    dumps.get(schema ?? DEFAULT_SQL_DATASET, helpers).catch((error: unknown) => {
      throw new RunUnavailableError(`The SQL dataset could not be loaded: ${(error as Error).message}`);
    });
  return {
    id: 'sql',
    mounts: [{ path: options.node }, { path: options.pgliteDir, target: PGLITE_MOUNT }],
    limits: { memoryBytes: options.memoryBytes },
    warmPoolSize: options.warmPoolSize,
    memoryErrorPattern: /JavaScript heap out of memory|Reached heap limit|WebAssembly\.Memory|Cannot allocate Wasm memory/,
    // --expose-gc: a graded run frees each case's engine before starting the next.
    // --liftoff-only: V8's baseline WebAssembly code only. An engine start is most of a run, and
    // optimising Postgres's functions in the background made it ~2x slower (first start 700 ms
    // instead of 315 ms, later ones 520 instead of 250); queries over millions of rows run
    // ~1.35x slower, interview datasets are far smaller.
    command: ({ warm }) => [options.node, '--expose-gc', '--liftoff-only', '--input-type=module', '-e', HARNESS, warm ? 'warm' : 'cold'],
    async jobFields(job, helpers) {
      const schema = job.grade?.kind === 'sql' ? job.grade.schema : job.dataset?.setupSql;
      return { dataset: await datasetOf(schema, helpers), setup: job.grade ? undefined : job.dataset?.setup };
    },
    async warmUp(helpers) {
      await datasetOf(undefined, helpers);
    },
  };
}
