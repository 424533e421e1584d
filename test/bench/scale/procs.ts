// /proc readings bench:scale needs beyond proc-stats.ts: CPU of a process together with its
// children (PostgreSQL: the postmaster forks a backend per connection plus its background
// workers), busy time per core (/proc/stat), and CPU pinning of already running processes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { sampleProcess, type ProcSample } from '../proc-stats.ts';

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const ticksToMs = (ticks: number): number => (ticks * 1000) / CLOCK_TICKS_PER_S;

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Live children of `pid` (any process whose parent it is). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}

export interface TreeSample {
  atMs: number;
  /**
   * CPU of the root and its children: the root's own time, the time of children it has reaped
   * (cutime + cstime), and the time so far of the children alive now. A backend that exits
   * between two samples moves from the last part to the second, so differences stay right.
   */
  cpuMs: number;
  processes: number;
}

export function sampleTree(rootPid: number): TreeSample {
  const atMs = performance.now();
  const root = statFields(rootPid);
  if (!root) return { atMs, cpuMs: NaN, processes: 0 };
  // utime, stime, cutime, cstime are fields 14-17
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  const children = childrenOf(rootPid);
  for (const child of children) {
    const fields = statFields(child);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return { atMs, cpuMs: ticksToMs(ticks), processes: 1 + children.length };
}

/** A process sample that does not throw when the process is gone (NaN figures instead). */
export function trySample(pid: number): ProcSample {
  try {
    return sampleProcess(pid);
  } catch {
    return { atMs: performance.now(), cpuMs: NaN, rssBytes: NaN, runQueueWaitMs: NaN };
  }
}

export interface CoreTimes {
  /** Jiffies spent busy (everything but idle, iowait and steal). */
  busy: number;
  /** Jiffies the hypervisor gave to someone else while this core wanted to run. */
  steal: number;
  total: number;
}

/** Per-core times from /proc/stat, index = core number. */
export function sampleCores(): CoreTimes[] {
  const cores: CoreTimes[] = [];
  for (const line of fs.readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice (guest time is in user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]!.trim().split(/\s+/).map(Number);
    cores[Number(match[1])] = { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
  }
  return cores;
}

/** Busy and steal share of each core between two readings, in percent. */
export function coreUsage(before: CoreTimes[], after: CoreTimes[]): { busyPercent: number; stealPercent: number }[] {
  return after.map((a, core) => {
    const b = before[core] ?? { busy: 0, steal: 0, total: 0 };
    const total = Math.max(1, a.total - b.total);
    return { busyPercent: (100 * (a.busy - b.busy)) / total, stealPercent: (100 * (a.steal - b.steal)) / total };
  });
}

/**
 * Sets the CPUs of every thread of `pid` (taskset -a). Children forked afterwards inherit
 * the setting; children that exist already do not, so `withChildren` sets theirs too.
 */
export function pinProcess(pid: number, cpus: string, withChildren = false): void {
  const pids = withChildren ? [pid, ...childrenOf(pid)] : [pid];
  for (const target of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(target)], { stdio: 'ignore' });
    } catch (error) {
      // A child that exited meanwhile is fine; the root must be pinned.
      if (target === pid) throw new Error(`taskset -a -p -c ${cpus} ${pid} failed: ${(error as Error).message}`);
    }
  }
}

/** The CPUs a process may run on, as taskset prints them (e.g. "0" or "0,1"). */
export function cpusOf(pid: number): string {
  try {
    return /:\s*(\S+)\s*$/.exec(execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    return '?';
  }
}
