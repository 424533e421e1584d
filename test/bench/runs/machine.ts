// What the numbers were measured on: they only mean something next to this.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const firstLine = (file: string, args: string[]): string => {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0] ?? '';
  } catch {
    return 'not available';
  }
};

const readTrimmed = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

export function describeMachine(pythonPath: string, bwrapPath: string): string[] {
  const cpus = os.cpus();
  const cgroup = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : fs.existsSync('/sys/fs/cgroup/memory') ? 'v1' : 'none';
  return [
    `nproc ${os.availableParallelism()} (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    `${os.type()} ${os.release()} ${os.arch()}, Debian ${readTrimmed('/etc/debian_version')}, cgroup ${cgroup}`,
    `node ${process.version}, ${firstLine(pythonPath, ['--version'])} (${pythonPath}), ${firstLine(bwrapPath, ['--version'])}`,
    `running as ${process.getuid?.() === 0 ? 'root (per-run uids and cgroups)' : 'non-root (no cgroups)'}`,
  ];
}

export const loadAverage = (): string => os.loadavg().map((value) => value.toFixed(2)).join(' ');
