// Starts one sandboxed process. The chain, each step exec'ing the next:
//   sh (root: joins the run's cgroups) -> setpriv (drops to the slot's uid)
//   -> prlimit (process, file-size, open-file and CPU limits) -> bwrap -> the language harness.
// Every step starts with an empty environment: inside a PID namespace /proc/1/environ is
// bwrap's own, so bwrap must not inherit the server's variables.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { RunUnavailableError } from '../runs/executor.ts';
import { BASE_MOUNTS, bwrapArgs, resolveMounts } from './bwrap-args.ts';
import type { CgroupFactory, RunCgroup } from './cgroup.ts';
import type { LanguageRuntime } from './languages/language.ts';
import type { SandboxLimits } from './limits.ts';
import type { UidPool } from './uid-pool.ts';

const JOIN_CGROUPS = 'while [ "$1" != "--" ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; done; shift; exec "$@"';

export interface SandboxHost {
  bwrapPath: string;
  cgroups: CgroupFactory | undefined;
  /** Set when the server runs as root: each sandbox then runs as its own unprivileged uid. */
  uids: UidPool | undefined;
  env: Record<string, string>;
  limits: SandboxLimits;
}

export interface LaunchedSandbox {
  id: string;
  child: ChildProcess;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  code: Writable;
  frames: Readable;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  memoryExceeded(): boolean;
  /** Kills every process of the sandbox and frees its cgroup and uid. Idempotent. */
  dispose(): void;
}

/** Mounts resolved once per descriptor: the host's layout does not change while we run. */
const resolvedMounts = new WeakMap<LanguageRuntime, ReturnType<typeof resolveMounts>>();

/** The limits a run of this language gets: the RUN_* ones, with the descriptor's own where it has them. */
export function runtimeLimits(host: SandboxHost, runtime: LanguageRuntime): SandboxLimits {
  return { ...host.limits, ...runtime.limits };
}

export function launchSandbox(host: SandboxHost, runtime: LanguageRuntime, options: { warm: boolean }): LaunchedSandbox {
  const id = `run-${randomBytes(8).toString('hex')}`;
  const limits = runtimeLimits(host, runtime);
  let mounts = resolvedMounts.get(runtime);
  if (!mounts) {
    try {
      mounts = resolveMounts([...BASE_MOUNTS, ...runtime.mounts]);
    } catch (error) {
      throw new RunUnavailableError(`${runtime.id} cannot run here: ${(error as Error).message}`);
    }
    resolvedMounts.set(runtime, mounts);
  }
  const cgroup: RunCgroup | undefined = host.cgroups?.create(id, { memoryBytes: limits.memoryBytes, maxProcesses: limits.maxProcesses });
  const uid = host.uids?.acquire();
  // CPU seconds are a backstop behind the wall clock; warm interpreters spend some on imports.
  const cpuSeconds = Math.ceil(limits.timeoutMs / 1000) + 15;
  const argv = [
    ...(cgroup ? ['/bin/sh', '-c', JOIN_CGROUPS, 'sh', ...cgroup.joinDirs, '--'] : []),
    ...(uid === undefined ? [] : ['/usr/bin/setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--']),
    '/usr/bin/prlimit',
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.fileMaxBytes}`,
    `--nofile=${limits.openFiles}`,
    `--cpu=${cpuSeconds}`,
    '--core=0',
    '--',
    host.bwrapPath,
    ...bwrapArgs({ mounts, env: host.env, tmpBytes: limits.memoryBytes, command: runtime.command(options) }),
  ];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: {},
    // sh exports its working directory as PWD, which bwrap would pass on: start from "/".
    cwd: '/',
    detached: true, // its own process group, so a kill reaches every helper in the chain
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  for (const stream of child.stdio) stream?.on('error', () => undefined); // EPIPE when the run already ended

  let disposed = false;
  return {
    id,
    child,
    stdin: child.stdin!,
    stdout: child.stdout!,
    stderr: child.stderr!,
    code: child.stdio[3] as Writable,
    frames: child.stdio[4] as Readable,
    exited,
    memoryExceeded: () => cgroup?.memoryExceeded() ?? false,
    dispose() {
      if (disposed) return;
      disposed = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      cgroup?.killAll();
      void exited.then(() => {
        cgroup?.remove();
        if (uid !== undefined) host.uids?.release(uid);
      });
      for (const stream of child.stdio) stream?.destroy();
    },
  };
}
