// One phase per mode: the unsandboxed baselines; a cold server (RUN_WARM_POOL_SIZE=0) with its
// latency series and throughput levels; a warm server with paced and back-to-back series and
// its throughput levels. Each server lives only for its phase.
import type { Mode, RunsBenchOptions } from './options.ts';
import { PROGRAMS } from './programs.ts';
import { directSeries, httpSeries, type SeriesLimits, type SeriesResult, type WarmPacing } from './series.ts';
import { withServer, type ServerUnderTest } from './server-under-test.ts';
import { measureThroughput, type ThroughputResult } from './throughput.ts';
import { fullPool, waitForPool } from './warm-pool-probe.ts';

export interface Measured {
  series: SeriesResult[];
  throughput: ThroughputResult[];
}

const log = (text: string): void => console.error(`[bench:runs] ${text}`);

function logSeries(result: SeriesResult): void {
  const latencies = result.samples.map((s) => Math.round(s.latencyMs));
  const failed = result.samples.filter((s) => !s.ok).length;
  log(`${result.mode} ${result.program}: ${latencies.join(' ')} ms${failed ? ` (${failed} failed)` : ''}`);
}

async function throughputLevels(server: ServerUnderTest, mode: 'cold' | 'warm', options: RunsBenchOptions, signal: AbortSignal, measured: Measured, beforeLevel: () => Promise<unknown>): Promise<void> {
  for (const rooms of options.rooms) {
    if (signal.aborted) return;
    await beforeLevel();
    const result = await measureThroughput(server, mode, PROGRAMS.python, rooms, { roomRuns: options.roomRuns, requestTimeoutMs: options.requestTimeoutS * 1000, signal });
    measured.throughput.push(result);
    log(`${mode} throughput, ${rooms} rooms: ${result.outcomes.filter((o) => !o.error).length}/${result.pressed} ok in ${(result.wallMs / 1000).toFixed(1)} s`);
  }
}

export async function measureMode(mode: Mode, options: RunsBenchOptions, pythonPath: string, signal: AbortSignal, measured: Measured): Promise<void> {
  const limits: SeriesLimits = { runs: options.runs, requestTimeoutMs: options.requestTimeoutS * 1000, signal };
  const programs = options.programs.map((id) => PROGRAMS[id]);
  const record = (result: SeriesResult) => {
    measured.series.push(result);
    logSeries(result);
  };
  if (mode === 'unsandboxed') {
    for (const program of programs) if (!signal.aborted) record(await directSeries(program, pythonPath, limits));
    return;
  }
  const poolSize = mode === 'cold' ? 0 : options.poolSize;
  log(`${mode} server (RUN_WARM_POOL_SIZE=${poolSize}, ${options.server})`);
  await withServer(options.server, { RUN_WARM_POOL_SIZE: String(poolSize) }, async (server) => {
    const [room] = await server.createRooms(1);
    if (mode === 'cold') {
      for (const program of programs) if (!signal.aborted) record(await httpSeries(server, room!, program, limits));
      await throughputLevels(server, mode, options, signal, measured, async () => undefined);
      return;
    }
    const pacing = (paced: boolean): WarmPacing => ({ expected: fullPool(poolSize), paced, poolWaitMs: options.poolWaitS * 1000 });
    for (const paced of [true, false]) {
      for (const program of programs) if (!signal.aborted) record(await httpSeries(server, room!, program, limits, pacing(paced)));
    }
    await throughputLevels(server, mode, options, signal, measured, () => waitForPool(server.pid, fullPool(poolSize), options.poolWaitS * 1000, signal));
  });
}
