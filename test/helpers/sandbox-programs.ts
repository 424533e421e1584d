// System programs the Run sandbox needs, for requireProgram (test/helpers/system.ts):
// under CI a missing one fails naming the Debian package; elsewhere its tests are skipped.
import type { SystemProgram } from './system.ts';

export const BWRAP: SystemProgram = { path: '/usr/bin/bwrap', aptPackage: 'bubblewrap' };
export const PYTHON3: SystemProgram = { path: '/usr/bin/python3', aptPackage: 'python3' };
export const PYTHON_NUMPY: SystemProgram = { path: '/usr/lib/python3/dist-packages/numpy', aptPackage: 'python3-numpy' };
export const PYTHON_PANDAS: SystemProgram = { path: '/usr/lib/python3/dist-packages/pandas', aptPackage: 'python3-pandas' };
export const PYTHON_SKLEARN: SystemProgram = { path: '/usr/lib/python3/dist-packages/sklearn', aptPackage: 'python3-sklearn' };
export const PYTHON_MATPLOTLIB: SystemProgram = {
  path: '/usr/lib/python3/dist-packages/matplotlib',
  aptPackage: 'python3-matplotlib',
};
