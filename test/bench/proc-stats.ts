// CPU time and memory of another process, from /proc (Linux only).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** performance.now() when sampled */
  atMs: number;
  /** user + system CPU time of all threads so far */
  cpuMs: number;
  rssBytes: number;
  /** Time the main thread was runnable but waiting for a CPU (other processes on its core). */
  runQueueWaitMs: number;
}

export function sampleProcess(pid: number): ProcSample {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3 (state);
  // utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  // schedstat of the main thread: ns on CPU, ns waiting on a run queue, timeslices
  const waitNs = Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? NaN);
  return {
    atMs: performance.now(),
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S,
    rssBytes: rssKb * 1024,
    runQueueWaitMs: waitNs / 1e6,
  };
}

/** CPU used between two samples, in ms and as a percentage of one core, and the share of the
 * time spent waiting for a CPU. */
export function cpuBetween(before: ProcSample, after: ProcSample): { cpuMs: number; percent: number; waitPercent: number } {
  const cpuMs = after.cpuMs - before.cpuMs;
  const wallMs = Math.max(1, after.atMs - before.atMs);
  return { cpuMs, percent: (100 * cpuMs) / wallMs, waitPercent: (100 * (after.runQueueWaitMs - before.runQueueWaitMs)) / wallMs };
}

export const mb = (bytes: number): number => bytes / (1024 * 1024);
