// Fixtures for tests of the Run sandbox: a SandboxRunner on a private range of sandbox uids,
// and views of its processes through the host's /proc.
//
// Why a private uid range: other suites and servers on the same machine run sandboxes with
// the default uids (61000 and up) at the same time. Giving each runner of a test its own
// SANDBOX_UID_BASE makes "no process of ours remains" exact instead of racy.
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig, type Config } from '../../server/config.ts';
import { SandboxRunner, type OutputListener, type SandboxJob } from '../../server/sandbox/sandbox-runner.ts';
import type { RunResult } from '../../shared/run.ts';
import { waitFor } from './wait-for.ts';

export interface UidRange {
  /** First uid (SANDBOX_UID_BASE). */
  base: number;
  size: number;
}

const RANGE_SIZE = 100;
let rangesHandedOut = 0;

/** A range of uids that no other process on this machine uses for sandboxes (derived from our pid). */
export function privateUidRange(): UidRange {
  const base = 2_000_000 + (process.pid % 100_000) * 1_000 + (rangesHandedOut++ % 10) * RANGE_SIZE;
  return { base, size: RANGE_SIZE };
}

export const inRange = (range: UidRange, uid: number): boolean => uid >= range.base && uid < range.base + range.size;

export interface HostProcess {
  pid: number;
  uid: number;
  /** The state letter of /proc/<pid>/stat: R, S, D, Z (zombie), ... */
  state: string;
  argv: string[];
}

function readProcess(pid: number): HostProcess | undefined {
  try {
    const uid = fs.statSync(`/proc/${pid}`).uid;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    return { pid, uid, state, argv };
  } catch {
    return undefined; // exited while we looked
  }
}

/** Every host process owned by a uid of the range, zombies included. */
export function processesOf(range: UidRange): HostProcess[] {
  const found: HostProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let uid: number;
    try {
      uid = fs.statSync(`/proc/${entry}`).uid;
    } catch {
      continue;
    }
    if (!inRange(range, uid)) continue;
    const info = readProcess(Number(entry));
    if (info) found.push(info);
  }
  return found;
}

/**
 * Processes of the range that can still run anything. Zombies are left out: bwrap's outer
 * process exits as soon as the sandbox's init reports the exit status, so that init is
 * reparented to the host's PID 1 and stays a zombie until PID 1 reaps it; a zombie has
 * no code, memory or open files left.
 */
export function liveProcessesOf(range: UidRange): HostProcess[] {
  return processesOf(range).filter((p) => p.state !== 'Z' && p.state !== 'X');
}

/** The largest number of live processes any single uid of the range has right now. */
export function largestLiveGroup(range: UidRange): number {
  const counts = new Map<number, number>();
  for (const p of liveProcessesOf(range)) counts.set(p.uid, (counts.get(p.uid) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

export const describeProcesses = (processes: HostProcess[]): string =>
  processes.map((p) => `${p.pid} uid=${p.uid} ${p.state} ${p.argv.join(' ').slice(0, 100)}`).join('\n') || '(none)';

/** Waits until no live process of the range is left; the timeout only turns a leak into a readable failure. */
export async function waitForNoLiveProcesses(range: UidRange, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    () => liveProcessesOf(range).length === 0,
    timeoutMs,
    () => `no live sandbox process of uids ${range.base}+ (left:\n${describeProcesses(liveProcessesOf(range))})`,
  );
}

/** Samples the largest per-uid process count of the range until stopped. */
export function samplePeak(range: UidRange, everyMs = 15): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, largestLiveGroup(range));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, largestLiveGroup(range));
    },
  };
}

/**
 * Warm interpreters of the range that finished loading: the harness ("<binary> ... warm")
 * sits in read(3, ...) waiting for its program (/proc/<pid>/syscall starts with "0 0x3 ").
 */
export function idleWarmInterpreters(range: UidRange, binary: string): number {
  return liveProcessesOf(range).filter((p) => {
    if (p.argv[0] !== binary || p.argv.at(-1) !== 'warm') return false;
    try {
      return fs.readFileSync(`/proc/${p.pid}/syscall`, 'utf8').startsWith('0 0x3 ');
    } catch {
      return false;
    }
  }).length;
}

/** The folders under which the server creates per-run cgroups ("interview-runs"), for this process. */
function runCgroupBases(): string[] {
  const lines = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean);
  const bases: string[] = [];
  for (const controller of ['memory', 'pids']) {
    const own = lines.find((line) => line.split(':')[1]?.split(',').includes(controller))?.split(':')[2];
    if (own !== undefined) bases.push(path.join('/sys/fs/cgroup', controller, own, 'interview-runs'));
  }
  const unified = lines.find((line) => line.startsWith('0::'))?.slice(3);
  if (unified !== undefined) bases.push(path.join('/sys/fs/cgroup', unified, 'interview-runs'));
  return bases.filter((base) => fs.existsSync(base));
}

/** Per-run cgroups that still hold a process of the range (zombies included: the kernel lists them until reaped). */
export function runCgroupsHoldingProcessesOf(range: UidRange): string[] {
  const holding: string[] = [];
  for (const base of runCgroupBases()) {
    for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      let pids: number[];
      try {
        pids = fs.readFileSync(path.join(base, entry.name, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        continue; // removed while we looked
      }
      const ours = pids.filter((pid) => {
        try {
          return inRange(range, fs.statSync(`/proc/${pid}`).uid);
        } catch {
          return false;
        }
      });
      if (ours.length > 0) holding.push(`${path.join(base, entry.name)}: ${ours.join(' ')}`);
    }
  }
  return holding;
}

export interface TestRunner {
  runner: SandboxRunner;
  config: Config;
  uids: UidRange;
  /** Runs one program; `streamed` is everything its output listener received, in order. */
  run(language: SandboxJob['language'], code: string, stdin?: string, onOutput?: OutputListener): Promise<RunResult & { streamed: string }>;
  close(): void;
}

let runCounter = 0;

/** A SandboxRunner as the server builds it, on a private uid range. `env` overrides configuration keys. */
export function startSandboxRunner(env: Record<string, string | undefined> = {}): TestRunner {
  const uids = privateUidRange();
  const config = parseConfig({ RUN_WARM_POOL_SIZE: '0', ...env, SANDBOX_UID_BASE: String(uids.base) });
  const runner = new SandboxRunner(config);
  return {
    runner,
    config,
    uids,
    async run(language, code, stdin = '', onOutput) {
      let streamed = '';
      const result = await runner.run({ runId: `test-run-${++runCounter}`, language, code, stdin }, (stream, text) => {
        streamed += text;
        onOutput?.(stream, text);
      });
      return { ...result, streamed };
    },
    close: () => runner.close(),
  };
}
