// Tests that need a system program: under CI they fail naming the Debian package to
// install; elsewhere they are skipped with a loud warning. Nothing is skipped silently.
import fs from 'node:fs';
import { postgresBinDir } from '../../server/cluster/local-postgres.ts';

export const isCI = ['1', 'true', 'yes'].includes((process.env.CI ?? '').toLowerCase());

export interface SystemProgram {
  path: string;
  aptPackage: string;
}

export const CHROMIUM: SystemProgram = { path: '/usr/bin/chromium', aptPackage: 'chromium' };

/**
 * Returns true when the test may run. Missing under CI: throws with the install command.
 * Missing elsewhere: warns and returns false (use with describe.skipIf(!available)).
 */
export function requireProgram(program: SystemProgram): boolean {
  if (fs.existsSync(program.path)) return true;
  const message = `${program.path} is missing: install it with "apt-get install -y ${program.aptPackage}"`;
  if (isCI) throw new Error(message);
  console.warn(`\n*** SKIPPING: ${message} ***\n`);
  return false;
}

export const BWRAP: SystemProgram = { path: '/usr/bin/bwrap', aptPackage: 'bubblewrap' };
export const PYTHON_MATPLOTLIB: SystemProgram = { path: '/usr/lib/python3/dist-packages/matplotlib', aptPackage: 'python3-matplotlib' };
export const REDIS_SERVER: SystemProgram = { path: '/usr/bin/redis-server', aptPackage: 'redis-server' };
export const POSTGRES: SystemProgram = { path: postgresBinDir() ?? '/usr/lib/postgresql/15/bin/postgres', aptPackage: 'postgresql' };
