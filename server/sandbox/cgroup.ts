// Per-run control groups: a memory cap that also covers the run's tmpfs, and a process cap
// that holds even for root (RLIMIT_NPROC does not apply to uid 0). cgroup v1 (separate
// memory and pids hierarchies) and v2 (one unified tree) are both supported.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup';
const GROUP_NAME = 'interview-runs';

export interface RunCgroup {
  /** Directories whose cgroup.procs the launcher joins before dropping privileges. */
  joinDirs: string[];
  /** True when the kernel killed the run for exceeding its memory. */
  memoryExceeded(): boolean;
  /** SIGKILL whatever is still inside (a run must leave nothing behind). */
  killAll(): void;
  remove(): void;
}

export interface CgroupFactory {
  kind: 'v1' | 'v2';
  create(runId: string, limits: { memoryBytes: number; maxProcesses: number }): RunCgroup;
}

const readText = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
const readNumber = (file: string): number => Number(readText(file).trim()) || 0;

const readPids = (dir: string): number[] => {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

function killPids(dirs: string[]): void {
  // Repeat: a process may fork between our read and our kill.
  for (let round = 0; round < 20; round += 1) {
    const pids = [...new Set(dirs.flatMap(readPids))];
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function removeDir(dir: string): void {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      killPids([dir]);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2); // the kernel reaps asynchronously
    }
  }
}

/** Our own position in a v1 hierarchy, e.g. "/process_api/abc" for memory. */
function ownV1Path(controller: string): string {
  const line = fs
    .readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes(controller));
  return line?.split(':')[2] ?? '/';
}

function tryMkdir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

function v1Factory(): CgroupFactory | undefined {
  const memoryBase = path.join(ROOT, 'memory', ownV1Path('memory'), GROUP_NAME);
  const pidsBase = path.join(ROOT, 'pids', ownV1Path('pids'), GROUP_NAME);
  if (!fs.existsSync(path.join(ROOT, 'memory')) || !fs.existsSync(path.join(ROOT, 'pids'))) return undefined;
  if (!tryMkdir(memoryBase) || !tryMkdir(pidsBase)) return undefined;
  return {
    kind: 'v1',
    create(runId, limits) {
      const memory = path.join(memoryBase, runId);
      const pids = path.join(pidsBase, runId);
      fs.mkdirSync(memory);
      fs.mkdirSync(pids);
      fs.writeFileSync(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // Without this the run could spill into swap instead of being stopped.
      if (fs.existsSync(path.join(memory, 'memory.memsw.limit_in_bytes'))) {
        fs.writeFileSync(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
      }
      fs.writeFileSync(path.join(pids, 'pids.max'), String(limits.maxProcesses));
      return {
        joinDirs: [memory, pids],
        // failcnt stays 0 on some kernels although the OOM killer fired; check all three signs.
        memoryExceeded: () =>
          /oom_kill [1-9]/.test(readText(path.join(memory, 'memory.oom_control'))) ||
          readNumber(path.join(memory, 'memory.failcnt')) > 0 ||
          readNumber(path.join(memory, 'memory.max_usage_in_bytes')) >= limits.memoryBytes - 64 * 1024,
        killAll: () => killPids([memory, pids]),
        remove() {
          removeDir(memory);
          removeDir(pids);
        },
      };
    },
  };
}

function v2Factory(): CgroupFactory | undefined {
  if (!fs.existsSync(path.join(ROOT, 'cgroup.controllers'))) return undefined;
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3) ?? '/';
  const base = path.join(ROOT, own, GROUP_NAME);
  if (!tryMkdir(base)) return undefined;
  try {
    fs.writeFileSync(path.join(base, 'cgroup.subtree_control'), '+memory +pids');
  } catch {
    return undefined;
  }
  return {
    kind: 'v2',
    create(runId, limits) {
      const dir = path.join(base, runId);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      fs.writeFileSync(path.join(dir, 'pids.max'), String(limits.maxProcesses));
      const events = () => readText(path.join(dir, 'memory.events'));
      return {
        joinDirs: [dir],
        memoryExceeded: () => /oom_kill [1-9]/.test(events()) || /\bmax [1-9]/.test(events()),
        killAll() {
          if (fs.existsSync(path.join(dir, 'cgroup.kill'))) fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1');
          killPids([dir]);
        },
        remove: () => removeDir(dir),
      };
    },
  };
}

/** The cgroup support this host offers to us, or undefined (not root, or no controllers). */
export function detectCgroups(): CgroupFactory | undefined {
  try {
    return v1Factory() ?? v2Factory();
  } catch {
    return undefined;
  }
}
