// What a measurement cost, from /proc (Linux): CPU time of the server process plus every
// child it reaped (the sandboxes, or the unsandboxed interpreters); how long its main thread
// sat runnable waiting for a CPU (other load on the machine); its RSS at the end; and, when
// the server runs in this process, its longest event-loop stall.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** USER_HZ, the unit of /proc/<pid>/stat times; 100 on every Linux architecture Node supports. */
const TICKS_PER_S = 100;

function cpuMsWithChildren(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "(comm) " come state, ppid, …; utime, stime, cutime, cstime are fields 14-17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const ticks = fields.slice(11, 15).reduce((sum, value) => sum + value, 0);
  return (ticks * 1000) / TICKS_PER_S;
}

/** ns the main thread waited on a run queue (second field of schedstat). */
const runQueueWaitMs = (pid: number): number => Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;

const rssMb = (pid: number): number => {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb === undefined ? NaN : Number(kb) / 1024;
};

export interface Cost {
  wallMs: number;
  /** CPU of the process and its reaped children (a sandbox counts once it has exited). */
  cpuMs: number;
  /** Time the process's main thread was runnable but not running (the machine was busy). */
  runQueueWaitMs: number;
  rssMb: number;
  /** Longest event-loop stall, when the server shares this process; NaN otherwise. */
  loopMaxMs: number;
}

export interface CpuMeter {
  stop(): Cost;
}

export function startCpuMeter(pid: number): CpuMeter {
  const started = performance.now();
  const cpuBefore = cpuMsWithChildren(pid);
  const waitBefore = runQueueWaitMs(pid);
  const loop = pid === process.pid ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
  loop?.enable();
  return {
    stop() {
      loop?.disable();
      return {
        wallMs: performance.now() - started,
        cpuMs: cpuMsWithChildren(pid) - cpuBefore,
        runQueueWaitMs: runQueueWaitMs(pid) - waitBefore,
        rssMb: rssMb(pid),
        loopMaxMs: loop ? loop.max / 1e6 : NaN,
      };
    },
  };
}
