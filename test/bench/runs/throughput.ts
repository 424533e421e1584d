// Throughput: `rooms` rooms, each its own, each pressing Run in a loop `roomRuns` times (one
// run in flight per room), all at once. A 429 (the room's in-flight limit) is counted and
// that press is not retried.
import { sleep } from '../async-utils.ts';
import { startCpuMeter, type Cost } from './cpu-meter.ts';
import type { BenchProgram } from './programs.ts';
import { pressRun, requestSignal, type BenchRoom, type RunOutcome } from './run-client.ts';
import type { ServerUnderTest } from './server-under-test.ts';

export interface ThroughputResult {
  mode: 'cold' | 'warm';
  rooms: number;
  pressed: number;
  outcomes: RunOutcome[];
  wallMs: number;
  cost: Cost;
}

export interface ThroughputLimits {
  roomRuns: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
}

const PAUSE_AFTER_429_MS = 100;

async function pressInLoop(room: BenchRoom, program: BenchProgram, limits: ThroughputLimits, outcomes: RunOutcome[]): Promise<void> {
  for (let i = 0; i < limits.roomRuns && !limits.signal.aborted; i += 1) {
    const outcome = await pressRun(room, program, requestSignal(limits.signal, limits.requestTimeoutMs));
    outcomes.push(outcome);
    if (outcome.httpStatus === 429) await sleep(PAUSE_AFTER_429_MS);
  }
}

export async function measureThroughput(
  server: ServerUnderTest,
  mode: 'cold' | 'warm',
  program: BenchProgram,
  roomCount: number,
  limits: ThroughputLimits,
): Promise<ThroughputResult> {
  const rooms = await server.createRooms(roomCount);
  const outcomes: RunOutcome[] = [];
  const meter = startCpuMeter(server.pid);
  const started = performance.now();
  await Promise.all(rooms.map((room) => pressInLoop(room, program, limits, outcomes)));
  const wallMs = performance.now() - started;
  return { mode, rooms: roomCount, pressed: outcomes.length, outcomes, wallMs, cost: meter.stop() };
}
