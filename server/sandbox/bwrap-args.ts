// The bubblewrap command line: new user, PID, network, IPC, UTS and cgroup namespaces; the
// system directories read-only; a private tmpfs as the only writable place; no host
// environment (only what is passed explicitly); the sandbox dies with its parent.
import path from 'node:path';

const READ_ONLY_SYSTEM = [
  ['--ro-bind', '/usr', '/usr'],
  ['--symlink', 'usr/lib', '/lib'],
  ['--symlink', 'usr/lib64', '/lib64'],
  ['--symlink', 'usr/bin', '/bin'],
  ['--symlink', 'usr/sbin', '/sbin'],
  // Shared libraries (BLAS for numpy) are found through these; nothing else of /etc is visible.
  ['--ro-bind-try', '/etc/alternatives', '/etc/alternatives'],
  ['--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache'],
  ['--ro-bind-try', '/etc/matplotlibrc', '/etc/matplotlibrc'],
  ['--ro-bind-try', '/etc/fonts', '/etc/fonts'],
].flat();

export const SANDBOX_BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  MPLBACKEND: 'Agg',
  MPLCONFIGDIR: '/tmp/.matplotlib',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONUNBUFFERED: '1',
};

export function bwrapArgs(options: { binaries: string[]; env: Record<string, string>; command: string[] }): string[] {
  const extraBinds = options.binaries
    .map((binary) => path.dirname(binary))
    .filter((dir) => dir !== '/usr' && !dir.startsWith('/usr/'))
    .flatMap((dir) => ['--ro-bind', dir, dir]);
  const env = Object.entries({ ...SANDBOX_BASE_ENV, ...options.env }).flatMap(([key, value]) => ['--setenv', key, value]);
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'sandbox',
    ...READ_ONLY_SYSTEM,
    ...extraBinds,
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--chdir',
    '/tmp',
    '--clearenv',
    ...env,
    '--',
    ...options.command,
  ];
}
