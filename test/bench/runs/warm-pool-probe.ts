// Sees the server's warm pool from the outside, through /proc (Linux): a warm sandbox is an
// interpreter started with the harness argument "warm" below the server process, and it is
// loaded once it sits blocked in read() on fd 3, waiting for a program.
// javascript and typescript start the same node command, so they count together as "node".
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../async-utils.ts';

export interface WarmSandbox {
  pid: number;
  interpreter: 'python' | 'node';
  loaded: boolean;
}

export interface PoolCounts {
  python: number;
  node: number;
}

/** The read() syscall number, as /proc/<pid>/syscall prints it first. */
const READ_SYSCALL: Partial<Record<string, number>> = { x64: 0, arm64: 63 };
const readSyscall = READ_SYSCALL[process.arch];

const readOrEmpty = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

function parentOf(pid: string): number {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? NaN);
}

function descendants(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (!Number.isFinite(parent)) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0 && found.length < 100_000) {
    for (const child of children.get(stack.pop()!) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

function isBlockedOnCode(pid: number): boolean {
  // Unknown architecture: assume loaded (the pool then only waits for the processes to exist).
  if (readSyscall === undefined) return true;
  return readOrEmpty(`/proc/${pid}/syscall`).startsWith(`${readSyscall} 0x3 `);
}

export function listWarmSandboxes(rootPid: number): WarmSandbox[] {
  const sandboxes: WarmSandbox[] = [];
  for (const pid of descendants(rootPid)) {
    const argv = readOrEmpty(`/proc/${pid}/cmdline`).split('\0');
    if (argv.at(-2) !== 'warm') continue; // cmdline ends with a NUL
    const name = path.basename(argv[0] ?? '');
    const interpreter = name.startsWith('python') ? 'python' : name === 'node' ? 'node' : undefined;
    if (interpreter) sandboxes.push({ pid, interpreter, loaded: isBlockedOnCode(pid) });
  }
  return sandboxes;
}

export function loadedPids(rootPid: number): Set<number> {
  return new Set(listWarmSandboxes(rootPid).flatMap((sandbox) => (sandbox.loaded ? [sandbox.pid] : [])));
}

/** What a full pool of `size` per language looks like (javascript and typescript both run node). */
export const fullPool = (size: number): PoolCounts => ({ python: size, node: 2 * size });

function loadedCounts(rootPid: number): PoolCounts {
  const counts: PoolCounts = { python: 0, node: 0 };
  for (const sandbox of listWarmSandboxes(rootPid)) if (sandbox.loaded) counts[sandbox.interpreter] += 1;
  return counts;
}

/**
 * Waits until at least `expected` loaded sandboxes exist; resolves with the ms it waited,
 * or undefined when `timeoutMs` ran out or `signal` aborted.
 */
export async function waitForPool(rootPid: number, expected: PoolCounts, timeoutMs: number, signal: AbortSignal): Promise<number | undefined> {
  const started = performance.now();
  while (!signal.aborted && performance.now() - started < timeoutMs) {
    const counts = loadedCounts(rootPid);
    if (counts.python >= expected.python && counts.node >= expected.node) return performance.now() - started;
    await sleep(25);
  }
  return undefined;
}
