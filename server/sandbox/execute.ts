// Runs a program in a launched sandbox and turns whatever happens into one RunResult.
import { constants as osConstants } from 'node:os';
import type { RunResult, RunStatus } from '../../shared/run.ts';
import type { Language } from '../../shared/room.ts';
import type { LaunchedSandbox } from './launch.ts';
import type { SandboxLimits } from './limits.ts';
import { FrameCollector, OutputCollector } from './output-collector.ts';

/** How long to wait for pipes to drain after the process exited. */
const DRAIN_MS = 500;

export interface ExecuteOptions {
  runId: string;
  language: Language;
  /** JSON of HarnessPayload, written to the harness on fd 3. */
  payload: string;
  stdin: string;
  limits: SandboxLimits;
  onOutput: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Recognises a crash that means "out of memory" in the language's own words. */
  memoryErrorPattern?: RegExp;
  /** What fd 4 may carry (frames and their total bytes); the pipe is closed beyond it. */
  maxFrames: number;
  maxFrameBytes: number;
}

const signalName = (number: number): string | null =>
  (Object.entries(osConstants.signals).find(([, value]) => value === number)?.[0] as string | undefined) ?? null;

export interface SandboxOutcome {
  result: RunResult;
  /** What the harness sent on fd 4: PNG figures, or JSON frames of grading results. */
  frames: Buffer[];
}

export async function executeInSandbox(sandbox: LaunchedSandbox, options: ExecuteOptions): Promise<SandboxOutcome> {
  const started = performance.now();
  let outputLimited = false;
  let timedOut = false;
  const stop = () => sandbox.dispose();
  const overflow = () => {
    outputLimited = true;
    stop();
  };
  const stdout = new OutputCollector(sandbox.stdout, options.limits.outputMaxBytes, (t) => options.onOutput('stdout', t), overflow);
  const stderr = new OutputCollector(sandbox.stderr, options.limits.outputMaxBytes, (t) => options.onOutput('stderr', t), overflow);
  const frames = new FrameCollector(sandbox.frames, options.maxFrames, options.maxFrameBytes);

  sandbox.code.end(options.payload);
  sandbox.stdin.end(options.stdin);
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.limits.timeoutMs);

  const exit = await sandbox.exited;
  const durationMs = Math.round(performance.now() - started);
  clearTimeout(timer);
  // Let the pipes drain, but never wait on a stray writer: the PID namespace is gone by now.
  await Promise.race([
    Promise.all([once(sandbox.stdout), once(sandbox.stderr)]),
    new Promise((resolve) => setTimeout(resolve, DRAIN_MS)),
  ]);
  const memoryExceeded = sandbox.memoryExceeded();
  sandbox.dispose();

  // bwrap reports a program killed by signal N as exit code 128 + N.
  const killedBy = exit.signal ?? (exit.code !== null && exit.code > 128 ? signalName(exit.code - 128) : null);
  const crashedOnMemory = options.memoryErrorPattern?.test(stderr.text) ?? false;
  let status: RunStatus;
  if (outputLimited) status = 'output-limit';
  else if (timedOut) status = 'timeout';
  else if ((killedBy === 'SIGKILL' && memoryExceeded) || crashedOnMemory) status = 'memory';
  else status = exit.code === 0 ? 'ok' : 'error';

  const stopped = outputLimited || timedOut || status === 'memory';
  const result: RunResult = {
    runId: options.runId,
    language: options.language,
    status,
    stdout: stdout.text,
    stderr: stderr.text,
    exitCode: killedBy || stopped ? null : exit.code,
    signal: killedBy ?? (stopped ? 'SIGKILL' : null),
    timedOut,
    durationMs,
    truncated: stdout.overflowed || stderr.overflowed,
  };
  return { result, frames: frames.frames };
}

function once(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { readableEnded?: boolean }).readableEnded || (stream as { destroyed?: boolean }).destroyed) return resolve();
    stream.once('close', () => resolve());
    stream.once('end', () => resolve());
  });
}
