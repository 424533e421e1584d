// The programs the benchmark runs, and how each one runs without the sandbox for comparison.
import type { Language } from '../../../shared/room.ts';

// SQL first: the server starts its SQL engine (PGlite, in-process) on the first SQL run when
// the pool is off and at boot when it is on; measuring SQL first gives the sandbox languages
// the same server on both sides (the engine's memory makes every sandbox spawn slower).
export const PROGRAM_IDS = ['sql', 'python', 'python-ds', 'javascript', 'typescript'] as const;
export type ProgramId = (typeof PROGRAM_IDS)[number];

/** How the same program runs with no sandbox: an interpreter started from the benchmark, or PGlite in it. */
export type DirectRuntime = 'python' | 'node' | 'node-after-esbuild' | 'pglite';

export interface BenchProgram {
  id: ProgramId;
  language: Language;
  code: string;
  direct: DirectRuntime;
  /** True when stdout is what the program prints. */
  expect(stdout: string): boolean;
}

const printsOne = (stdout: string): boolean => stdout === '1\n';

export const PROGRAMS: Record<ProgramId, BenchProgram> = {
  python: { id: 'python', language: 'python', code: 'print(1)', direct: 'python', expect: printsOne },
  'python-ds': {
    id: 'python-ds',
    language: 'python',
    code: 'import numpy, pandas, sklearn\nprint(1)',
    direct: 'python',
    expect: printsOne,
  },
  javascript: { id: 'javascript', language: 'javascript', code: 'console.log(1)', direct: 'node', expect: printsOne },
  typescript: {
    id: 'typescript',
    language: 'typescript',
    code: 'const one: number = 1;\nconsole.log(one);',
    direct: 'node-after-esbuild',
    expect: printsOne,
  },
  sql: {
    id: 'sql',
    language: 'sql',
    code: 'SELECT store_id, count(*) FROM ad_impressions GROUP BY 1',
    direct: 'pglite',
    expect: (stdout) => stdout.includes('store_id') && stdout.includes('(3 rows)'),
  },
};
