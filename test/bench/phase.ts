// One load phase against one server, common to both client modes: type on schedule, drain,
// and measure server CPU/RSS (from /proc) and the generator's own CPU and event-loop lag.
// The mode-specific part (how a keystroke is sent, seen and checked) is a LoadDriver.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { waitUntil } from './async-utils.ts';
import { cpuBetween, mb, sampleProcess } from './proc-stats.ts';
import { runSchedule } from './schedule.ts';
import type { BenchServer, ServerKind } from './servers.ts';
import type { LatencyLog, Summary } from './stats.ts';

export interface PhaseOptions {
  /** keystrokes per second per client */
  rate: number;
  durationMs: number;
  /** Keystrokes sent before this are not in latency or CPU figures (JIT and cache warm-up). */
  warmupMs: number;
  /** Longest wait after the last keystroke for everything to arrive. */
  drainMs: number;
}

export interface DriverCheck {
  /** Keystrokes that did not arrive where they should have after the drain. */
  lost: number;
  notes: string[];
}

/**
 * The typing client with schedule number `client` among rooms of two: slot 0 of room c for
 * c < rooms, else slot 1 of room c - rooms (so the two clients of a room are half a period apart).
 */
export function clientOf<T>(pairs: readonly (readonly [T, T])[], client: number): T | undefined {
  const rooms = pairs.length;
  return pairs[client % rooms]?.[client < rooms ? 0 : 1];
}

export interface LoadDriver {
  /** Typing clients (2 per room). */
  readonly clients: number;
  readonly latency: LatencyLog;
  type(client: number, keystroke: number): void;
  /** True once every keystroke sent so far has arrived everywhere. */
  delivered(): boolean;
  /** Final comparison of what was sent with what arrived; runs after the drain. */
  check(): Promise<DriverCheck>;
}

export interface LoadResult {
  server: ServerKind;
  rooms: number;
  latency: Summary;
  /** keystrokes sent (each = one document update + one awareness update) */
  sent: number;
  lost: number;
  serverCpuMsPer1k: number;
  serverCpuPercent: number;
  /** Share of the typing window the server's main thread waited for its (busy) core. */
  serverWaitPercent: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  generatorLagP99Ms: number;
  generatorLagMaxMs: number;
  generatorCpuPercent: number;
  generatorWaitPercent: number;
  /** How long the drain took (equal to drainMs when it timed out). */
  drainedInMs: number;
  notes: string[];
}

/** Generator figures above these mean its latencies are partly its own queueing. */
export const GENERATOR_LAG_LIMIT_MS = 20;
export const GENERATOR_CPU_LIMIT_PERCENT = 90;
export const SERVER_CPU_LIMIT_PERCENT = 90;
/** Run-queue wait above this means other processes took the core: figures are unreliable. */
export const CPU_WAIT_LIMIT_PERCENT = 10;

// monitorEventLoopDelay records whole timer intervals: subtract the interval to get the delay.
const LAG_RESOLUTION_MS = 5;
const lagMs = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - LAG_RESOLUTION_MS);

export async function measureLoad(server: BenchServer, rooms: number, driver: LoadDriver, options: PhaseOptions): Promise<LoadResult> {
  const warningsBefore = server.warnings;
  const idle = server.sample();
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  const sampleBoth = () => ({ server: server.sample(), generator: sampleProcess(process.pid) });
  let mark = sampleBoth();

  const schedule = await runSchedule({
    clients: driver.clients,
    rate: options.rate,
    durationMs: options.durationMs,
    markAtMs: options.warmupMs,
    lateLimitMs: Math.max(5_000, options.durationMs),
    type: (client, keystroke) => driver.type(client, keystroke),
    onMark() {
      mark = sampleBoth();
      lag.enable();
    },
  });
  const typed = sampleBoth();
  const drained = await waitUntil(() => driver.delivered(), options.drainMs);
  const end = sampleBoth();
  lag.disable();

  const { lost, notes } = await driver.check();
  const serverTyping = cpuBetween(mark.server, typed.server);
  const generatorTyping = cpuBetween(mark.generator, typed.generator);
  const result: LoadResult = {
    server: server.kind,
    rooms,
    latency: driver.latency.summary(mark.server.atMs),
    sent: schedule.sent,
    lost,
    // Keystrokes still undelivered after the drain were mostly never processed: leave them out.
    serverCpuMsPer1k: (1000 * cpuBetween(mark.server, end.server).cpuMs) / Math.max(1, schedule.sentAfterMark - lost),
    serverCpuPercent: serverTyping.percent,
    serverWaitPercent: serverTyping.waitPercent,
    rssBeforeMb: mb(idle.rssBytes),
    rssAfterMb: mb(end.server.rssBytes),
    generatorLagP99Ms: lagMs(lag.percentile(99)),
    generatorLagMaxMs: lagMs(lag.max),
    generatorCpuPercent: generatorTyping.percent,
    generatorWaitPercent: generatorTyping.waitPercent,
    drainedInMs: end.server.atMs - typed.server.atMs,
    notes,
  };
  if (schedule.unsent > 0) notes.push(`${schedule.unsent} keystrokes never sent (generator more than ${Math.max(5, options.durationMs / 1000)} s behind)`);
  if (!drained) notes.push(`not drained after ${options.drainMs / 1000} s (CPU/1k counts delivered keystrokes only)`);
  else if (result.drainedInMs > 1_000) notes.push(`backlog drained in ${(result.drainedInMs / 1000).toFixed(1)} s`);
  if (result.generatorCpuPercent > GENERATOR_CPU_LIMIT_PERCENT) {
    notes.push('GENERATOR SATURATED: latencies include its own queueing');
  } else if (result.generatorLagP99Ms > GENERATOR_LAG_LIMIT_MS) {
    notes.push(`GENERATOR LAGGED (event loop p99 ${result.generatorLagP99Ms.toFixed(0)} ms): latencies include its own queueing`);
  }
  if (result.serverCpuPercent > SERVER_CPU_LIMIT_PERCENT) notes.push('server core saturated');
  for (const [who, percent] of [['server', result.serverWaitPercent], ['generator', result.generatorWaitPercent]] as const) {
    if (percent > CPU_WAIT_LIMIT_PERCENT) notes.push(`${who} waited for its core ${percent.toFixed(0)}% of the time (other processes)`);
  }
  const warnings = server.warnings - warningsBefore;
  if (warnings > 0) notes.push(`server logged ${warnings} warnings/errors`);
  return result;
}

/**
 * Of repeated runs of the same (server, rooms), keeps the one other processes disturbed least
 * (lowest server + generator run-queue wait), in first-seen order.
 */
export function leastDisturbed(results: LoadResult[]): LoadResult[] {
  const best = new Map<string, LoadResult>();
  const disturbance = (r: LoadResult) => r.serverWaitPercent + r.generatorWaitPercent;
  for (const result of results) {
    const key = `${result.server}/${result.rooms}`;
    const kept = best.get(key);
    if (!kept || disturbance(result) < disturbance(kept)) best.set(key, result);
  }
  return [...best.values()];
}
