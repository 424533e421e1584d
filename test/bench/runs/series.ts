// Latency series: one room presses Run for the same program `runs` times in a row. On a warm
// server the series is either paced (before the next run, wait until the pool has reloaded
// what the last run used) or back-to-back (the pool drains, later runs start cold).
import type { BenchProgram, ProgramId } from './programs.ts';
import { startCpuMeter, type Cost } from './cpu-meter.ts';
import { pressRun, requestSignal, type BenchRoom } from './run-client.ts';
import type { ServerUnderTest } from './server-under-test.ts';
import { directRunner } from './unsandboxed.ts';
import { loadedPids, waitForPool, type PoolCounts } from './warm-pool-probe.ts';

export type SeriesMode = 'unsandboxed' | 'cold' | 'warm' | 'warm-b2b';

export interface Sample {
  latencyMs: number;
  /** The program ran and printed what it should. */
  ok: boolean;
  error?: string;
  /** The server's own durationMs: from handing the code to the sandbox to its exit. */
  execMs?: number;
  /** A loaded warm sandbox was used (one that was waiting before the run is gone after it). */
  poolHit?: boolean;
  /** Paced series: how long after this run's response the pool was full again. */
  refillMs?: number;
}

export interface SeriesResult {
  program: ProgramId;
  mode: SeriesMode;
  samples: Sample[];
  cost: Cost;
  notes: string[];
}

export interface SeriesLimits {
  runs: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
}

export async function directSeries(program: BenchProgram, pythonPath: string, limits: SeriesLimits): Promise<SeriesResult> {
  const runner = directRunner(program, pythonPath);
  const samples: Sample[] = [];
  try {
    await runner.prepare();
    const meter = startCpuMeter(process.pid);
    for (let i = 0; i < limits.runs && !limits.signal.aborted; i += 1) {
      const started = performance.now();
      try {
        const stdout = await runner.run(requestSignal(limits.signal, limits.requestTimeoutMs));
        const ok = program.expect(stdout);
        samples.push({ latencyMs: performance.now() - started, ok, error: ok ? undefined : `unexpected output ${JSON.stringify(stdout.slice(0, 100))}` });
      } catch (error) {
        samples.push({ latencyMs: performance.now() - started, ok: false, error: (error as Error).message });
      }
    }
    const notes = program.direct === 'pglite' ? ['CPU excludes the PGlite child process'] : [];
    return { program: program.id, mode: 'unsandboxed', samples, cost: meter.stop(), notes };
  } finally {
    await runner.close();
  }
}

export interface WarmPacing {
  expected: PoolCounts;
  /** Wait for the pool after each run (paced) or not (back-to-back). */
  paced: boolean;
  poolWaitMs: number;
}

/** Runs over HTTP. `pool` is given on a warm server, which is then watched through /proc. */
export async function httpSeries(server: ServerUnderTest, room: BenchRoom, program: BenchProgram, limits: SeriesLimits, pool?: WarmPacing): Promise<SeriesResult> {
  const notes: string[] = [];
  const waitForFullPool = async (): Promise<number | undefined> => {
    if (!pool) return undefined;
    const waited = await waitForPool(server.pid, pool.expected, pool.poolWaitMs, limits.signal);
    if (waited === undefined && !limits.signal.aborted) notes.push(`pool not full after ${pool.poolWaitMs} ms`);
    return waited;
  };
  await waitForFullPool();
  const samples: Sample[] = [];
  const meter = startCpuMeter(server.pid);
  for (let i = 0; i < limits.runs && !limits.signal.aborted; i += 1) {
    const before = pool ? loadedPids(server.pid) : undefined;
    const outcome = await pressRun(room, program, requestSignal(limits.signal, limits.requestTimeoutMs));
    const sample: Sample = { latencyMs: outcome.latencyMs, ok: outcome.error === undefined, error: outcome.error, execMs: outcome.result?.durationMs };
    if (before) {
      const after = loadedPids(server.pid);
      sample.poolHit = [...before].some((pid) => !after.has(pid));
    }
    if (pool?.paced) sample.refillMs = await waitForFullPool();
    samples.push(sample);
  }
  const mode: SeriesMode = !pool ? 'cold' : pool.paced ? 'warm' : 'warm-b2b';
  return { program: program.id, mode, samples, cost: meter.stop(), notes: [...new Set(notes)] };
}
