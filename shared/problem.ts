// The problem bank's vocabulary and file format (problems/<id>/...), validated at load time.
// What a candidate may see is a strict subset: see candidateView() on the server.
import { z } from 'zod';
import { languageSchema } from './room.ts';

export const PROBLEM_KINDS = ['coding', 'sql', 'ml-concepts', 'system-design', 'behavioral', 'role-fit'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** The five things ML-engineer interviewers score. */
export const COMPETENCIES = [
  'ml-fundamentals',
  'ml-system-design',
  'software-engineering',
  'problem-framing',
  'communication',
] as const;
export type Competency = (typeof COMPETENCIES)[number];

/** Categories of the hiring rule (mean score >= 3.0 across them). */
export type ScoreCategory = 'technical' | 'behavioral' | 'role-fit';
export function categoryOf(kind: ProblemKind): ScoreCategory {
  if (kind === 'behavioral') return 'behavioral';
  if (kind === 'role-fit') return 'role-fit';
  return 'technical';
}

export const problemIdSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lowercase words joined by "-"');

/** problems/<id>/problem.json */
export const problemMetaSchema = z
  .object({
    id: problemIdSchema,
    title: z.string().min(3).max(120),
    kind: z.enum(PROBLEM_KINDS),
    difficulty: z.enum(DIFFICULTIES),
    competencies: z.array(z.enum(COMPETENCIES)).min(1),
    minutes: z.number().int().min(1).max(240),
    /** Languages with starter code (coding and sql problems). */
    languages: z.array(languageSchema).default([]),
    /** For Python coding problems: the function the tests call. */
    entry: z.string().regex(/^[A-Za-z_]\w*$/).optional(),
    tags: z.array(z.string().min(1).max(40)).default([]),
  })
  .strict();
export type ProblemMeta = z.infer<typeof problemMetaSchema>;

/** problems/<id>/rubric.json: interviewer-only. */
export const rubricSchema = z
  .object({
    strongAnswer: z.array(z.string().min(3)).min(1),
    followUps: z.array(z.string().min(3)).default([]),
    redFlags: z.array(z.string().min(3)).default([]),
  })
  .strict();
export type Rubric = z.infer<typeof rubricSchema>;

const caseBase = {
  name: z.string().min(1).max(120),
  /** Hidden cases: the candidate sees only the name and pass/fail. */
  hidden: z.boolean(),
};

/** A call of the entry function: positional args and keyword args, then the expected value or exception. */
export const codeCaseSchema = z
  .object({
    ...caseBase,
    args: z.array(z.unknown()).default([]),
    kwargs: z.record(z.string(), z.unknown()).default({}),
    expected: z.unknown().optional(),
    /** Name of the exception class the call must raise (e.g. "ValueError"). */
    raises: z.string().optional(),
  })
  .strict()
  .refine((c) => (c.expected === undefined) !== (c.raises === undefined), 'give exactly one of expected or raises');
export type CodeCase = z.infer<typeof codeCaseSchema>;

export const codeTestsSchema = z
  .object({
    kind: z.literal('code'),
    /** Absolute tolerance for floats (0 = exact). */
    floatTolerance: z.number().min(0).default(1e-9),
    cases: z.array(codeCaseSchema).min(1),
  })
  .strict();

/** A SQL case: rows inserted into the problem's schema, then the expected result, in order. */
export const sqlCaseSchema = z
  .object({
    ...caseBase,
    setup: z.string(),
    expected: z.object({ columns: z.array(z.string()).min(1), rows: z.array(z.array(z.unknown())) }).strict(),
  })
  .strict();
export type SqlCase = z.infer<typeof sqlCaseSchema>;

export const sqlTestsSchema = z
  .object({
    kind: z.literal('sql'),
    /** CREATE TABLE statements every case starts from. */
    schema: z.string().min(1),
    numericTolerance: z.number().min(0).default(1e-6),
    cases: z.array(sqlCaseSchema).min(1),
  })
  .strict();

export const testsSchema = z.discriminatedUnion('kind', [codeTestsSchema, sqlTestsSchema]);
export type ProblemTests = z.infer<typeof testsSchema>;

/** What GET /api/problems lists: safe for candidates. */
export interface ProblemSummary {
  id: string;
  title: string;
  kind: ProblemKind;
  difficulty: Difficulty;
  competencies: Competency[];
  minutes: number;
  languages: string[];
  tags: string[];
  hasTests: boolean;
}

/** The candidate's view of one problem. */
export interface CandidateProblem extends ProblemSummary {
  statement: string;
  starters: Record<string, string>;
  /** Public cases only (hidden ones are never sent to a candidate). */
  examples: { name: string; input: unknown; expected: unknown }[];
  /**
   * The hidden cases as "Hidden test 1"…"Hidden test N": their real names can give a case away
   * ("k = 0 raises ValueError"), so only interviewers see those (in `tests`).
   */
  hiddenTests: string[];
}

/** The interviewer's view adds everything private. */
export interface InterviewerProblem extends CandidateProblem {
  rubric: Rubric;
  solutions: Record<string, string>;
  /** The model answer for discussion questions (solution.md), if any. */
  modelAnswer?: string;
  tests?: ProblemTests;
}
