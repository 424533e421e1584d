// Reads problem folders (problems/<id>/ plus any PROBLEMS_DIRS), validates every file with
// its schema, and fails naming the file and the field when something is wrong.
import fs from 'node:fs';
import path from 'node:path';
import type { ZodType } from 'zod';
import { problemMetaSchema, rubricSchema, testsSchema, type ProblemMeta, type ProblemTests, type Rubric } from '../../shared/problem.ts';
import { kitSchema, type InterviewKit } from '../../shared/scorecard.ts';

export interface LoadedProblem {
  meta: ProblemMeta;
  statement: string;
  starters: Record<string, string>;
  solutions: Record<string, string>;
  modelAnswer: string | undefined;
  rubric: Rubric;
  tests: ProblemTests | undefined;
  dir: string;
}

export class ProblemFormatError extends Error {}

const EXTENSION_LANGUAGE: Record<string, string> = { py: 'python', js: 'javascript', ts: 'typescript', sql: 'sql' };
const KIT_DIR = '_kit';

function readJson<T>(file: string, schema: ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProblemFormatError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ProblemFormatError(`${file}:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

function readText(file: string): string {
  if (!fs.existsSync(file)) throw new ProblemFormatError(`${file}: missing`);
  return fs.readFileSync(file, 'utf8');
}

/** Files named <prefix>.<ext> in a folder, keyed by language. */
function filesByLanguage(dir: string, prefix: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of fs.readdirSync(dir)) {
    const match = name.match(new RegExp(`^${prefix}\\.(\\w+)$`));
    const language = match?.[1] && EXTENSION_LANGUAGE[match[1]];
    if (language) found[language] = fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return found;
}

export function loadProblem(dir: string): LoadedProblem {
  const meta = readJson(path.join(dir, 'problem.json'), problemMetaSchema);
  if (meta.id !== path.basename(dir)) throw new ProblemFormatError(`${path.join(dir, 'problem.json')}: id "${meta.id}" must match its folder name`);
  const starters = filesByLanguage(dir, 'starter');
  const solutions = filesByLanguage(dir, 'solution');
  const testsFile = path.join(dir, 'tests.json');
  const tests = fs.existsSync(testsFile) ? readJson(testsFile, testsSchema) : undefined;
  for (const language of meta.languages) {
    if (!starters[language]) throw new ProblemFormatError(`${dir}: languages lists ${language} but there is no starter for it`);
  }
  if (tests) {
    for (const language of meta.languages) {
      if (!solutions[language]) throw new ProblemFormatError(`${dir}: tests need a reference solution for ${language}`);
    }
    if (tests.kind === 'code' && !meta.entry) throw new ProblemFormatError(`${path.join(dir, 'problem.json')}: entry: a problem with code tests names its entry function`);
  }
  const modelAnswerFile = path.join(dir, 'solution.md');
  return {
    meta,
    statement: readText(path.join(dir, 'statement.md')),
    starters,
    solutions,
    modelAnswer: fs.existsSync(modelAnswerFile) ? fs.readFileSync(modelAnswerFile, 'utf8') : undefined,
    rubric: readJson(path.join(dir, 'rubric.json'), rubricSchema),
    tests,
    dir,
  };
}

export interface ProblemBank {
  problems: Map<string, LoadedProblem>;
  kit: InterviewKit;
}

/** Loads every problem folder under the given roots; the first root must hold _kit/kit.json. */
export function loadProblemBank(roots: string[]): ProblemBank {
  const problems = new Map<string, LoadedProblem>();
  for (const root of roots) {
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const problem = loadProblem(path.join(root, entry.name));
      const existing = problems.get(problem.meta.id);
      if (existing) throw new ProblemFormatError(`${problem.dir}: id "${problem.meta.id}" is already used by ${existing.dir}`);
      problems.set(problem.meta.id, problem);
    }
  }
  const kit = readJson(path.join(roots[0]!, KIT_DIR, 'kit.json'), kitSchema);
  return { problems, kit };
}
