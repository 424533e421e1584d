// The stock alternative: the same program run directly, with no sandbox, no HTTP and no
// queue — `python3 -c`, `node -e` (after the same esbuild transform for TypeScript), or
// PGlite holding the same dataset (in a child process, see pglite-child.ts).
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { SANDBOX_BASE_ENV } from '../../../server/sandbox/bwrap-args.ts';
import { withTimeout } from '../async-utils.ts';
import type { BenchProgram } from './programs.ts';

const execFileAsync = promisify(execFile);
const CHILD_START_TIMEOUT_MS = 30_000;
const CHILD_STOP_TIMEOUT_MS = 10_000;

export interface DirectRunner {
  /** Gets ready to run, outside the timed runs (e.g. starts a helper process). */
  prepare(): Promise<void>;
  /** Runs the program once; resolves with its stdout. */
  run(signal: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

/** An interpreter started per run, with the environment the sandbox gives programs. */
function interpreter(file: string, args: (code: string) => Promise<string[]>, code: string): DirectRunner {
  return {
    prepare: async () => undefined,
    async run(signal) {
      const { stdout } = await execFileAsync(file, await args(code), { env: SANDBOX_BASE_ENV, signal, timeout: 60_000 });
      return stdout;
    },
    close: async () => undefined,
  };
}

/** The transform the server's TypeScript runtime applies, then node -e. */
async function esbuildThenNode(code: string): Promise<string[]> {
  const { code: javascript } = await transform(code, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: 'main.ts' });
  return ['-e', javascript];
}

const rejectOnAbort = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));

function pgliteChild(sql: string): DirectRunner {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'pglite-child.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const replies = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextReply = async (): Promise<{ ready?: true; stdout?: string; error?: string }> => {
    const line = await replies.next();
    if (line.done) throw new Error('the PGlite child exited');
    return JSON.parse(line.value) as { stdout?: string; error?: string };
  };
  return {
    async prepare() {
      await withTimeout(nextReply(), CHILD_START_TIMEOUT_MS, 'starting the PGlite child');
    },
    async run(signal) {
      signal.throwIfAborted();
      child.stdin.write(`${JSON.stringify({ sql })}\n`);
      const reply = await Promise.race([nextReply(), rejectOnAbort(signal)]);
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply.stdout ?? '';
    },
    async close() {
      child.stdin.end();
      await withTimeout(exited, CHILD_STOP_TIMEOUT_MS, 'stopping the PGlite child').catch(() => child.kill('SIGKILL'));
    },
  };
}

export function directRunner(program: BenchProgram, pythonPath: string): DirectRunner {
  switch (program.direct) {
    case 'python':
      return interpreter(pythonPath, async (code) => ['-c', code], program.code);
    case 'node':
      return interpreter(process.execPath, async (code) => ['-e', code], program.code);
    case 'node-after-esbuild':
      return interpreter(process.execPath, esbuildThenNode, program.code);
    case 'pglite':
      return pgliteChild(program.code);
  }
}
