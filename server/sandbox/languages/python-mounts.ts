// What of the host a Python run sees (read-only), found with strace over imports of numpy,
// pandas, scikit-learn and a matplotlib savefig, plus the few tools programs shell out to.
import path from 'node:path';
import type { Mount } from './language.ts';

const TOOLS = ['sh', 'dash', 'bash', 'env', 'sleep', 'nohup', 'cat', 'ls', 'echo', 'true', 'false', 'uname', 'fc-list'];

export function pythonMounts(interpreter: string): Mount[] {
  return [
    // A venv's interpreter is a symlink into its own folder: that folder is what it needs.
    interpreter.startsWith('/usr/') ? { path: interpreter } : { path: path.dirname(interpreter) },
    { path: '/usr/bin/python3*' },
    { path: '/usr/lib/python3*' },
    ...TOOLS.map((tool) => ({ path: `/usr/bin/${tool}`, optional: true })),
    { path: '/usr/share/zoneinfo', optional: true },
    { path: '/usr/share/matplotlib', optional: true },
    { path: '/usr/share/fonts', optional: true },
    { path: '/usr/share/fontconfig', optional: true },
    { path: '/etc/fonts', optional: true },
    { path: '/etc/matplotlibrc', optional: true },
  ];
}
