// `npm run problems:check [DIR...]`: validates problem folders the way the server loads them,
// so a team adding its own problems sees every mistake with file and field before deploying.
import path from 'node:path';
import { ProblemFormatError, loadProblemBank } from './load-problems.ts';

const roots = [path.resolve('problems'), ...process.argv.slice(2).map((dir) => path.resolve(dir))];
try {
  const bank = loadProblemBank(roots);
  const byKind = new Map<string, number>();
  for (const problem of bank.problems.values()) byKind.set(problem.meta.kind, (byKind.get(problem.meta.kind) ?? 0) + 1);
  console.log(`${bank.problems.size} problems OK: ${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
} catch (error) {
  console.error(error instanceof ProblemFormatError ? error.message : error);
  process.exit(1);
}
