// The bubblewrap command line: new user, PID, network, IPC, UTS and cgroup namespaces, and
// no further user namespaces inside (unshare -r would give the program a root of its own to
// attack the kernel with); a read-only root holding only the shared libraries and what the
// language's descriptor lists (never all of /usr: no /usr/local, compilers, other tools);
// private tmpfs for /tmp and a small one for /dev/shm as the only writable places; no host
// environment (only what is passed explicitly); the sandbox dies with its parent.
import fs from 'node:fs';
import path from 'node:path';
import type { Mount } from './languages/language.ts';

/** What every program needs: the dynamic loader, shared libraries, and how to find them. */
export const BASE_MOUNTS: Mount[] = [
  { path: '/usr/lib/*-linux-gnu' },
  { path: '/usr/lib64', optional: true },
  { path: '/etc/ld.so.cache', optional: true },
  // BLAS (numpy) and other libraries are symlinks through here.
  { path: '/etc/alternatives', optional: true },
];

const ROOT_LINKS = [
  ['--symlink', 'usr/lib', '/lib'],
  ['--symlink', 'usr/lib64', '/lib64'],
  ['--symlink', 'usr/bin', '/bin'],
].flat();

/** multiprocessing's semaphores and joblib's memmaps live here; it must not be the host's. */
export const SHM_BYTES = 64 * 1024 * 1024;

export const SANDBOX_BASE_ENV: Record<string, string> = {
  PATH: '/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  MPLBACKEND: 'Agg',
  MPLCONFIGDIR: '/tmp/.matplotlib',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONUNBUFFERED: '1',
};

/** Host paths of a mount list, "*" patterns expanded, missing optional ones dropped. */
export function resolveMounts(mounts: Mount[]): { source: string; target: string }[] {
  const resolved: { source: string; target: string }[] = [];
  for (const mount of mounts) {
    const base = path.basename(mount.path);
    let sources: string[];
    if (base.includes('*')) {
      const dir = path.dirname(mount.path);
      const pattern = new RegExp(`^${base.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      try {
        sources = fs.readdirSync(dir).filter((name) => pattern.test(name)).sort().map((name) => path.join(dir, name));
      } catch {
        sources = [];
      }
    } else {
      sources = fs.existsSync(mount.path) ? [mount.path] : [];
    }
    if (sources.length === 0 && !mount.optional) throw new Error(`the sandbox needs ${mount.path}, which is missing`);
    for (const source of sources) resolved.push({ source, target: mount.target ?? source });
  }
  return resolved;
}

export function bwrapArgs(options: {
  mounts: { source: string; target: string }[];
  env: Record<string, string>;
  tmpBytes: number;
  command: string[];
}): string[] {
  const binds = options.mounts.flatMap(({ source, target }) => ['--ro-bind', source, target]);
  const env = Object.entries({ ...SANDBOX_BASE_ENV, ...options.env }).flatMap(([key, value]) => ['--setenv', key, value]);
  return [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'sandbox',
    ...binds,
    ...ROOT_LINKS,
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(SHM_BYTES),
    '--tmpfs',
    '/dev/shm',
    // tmpfs pages count against the run's memory cgroup too; the size makes a full /tmp an
    // ordinary "No space left" error when there is no cgroup.
    '--size',
    String(options.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--remount-ro',
    '/',
    '--chdir',
    '/tmp',
    '--clearenv',
    ...env,
    '--',
    ...options.command,
  ];
}
