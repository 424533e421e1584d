// What a Run is, for both sides: the request body, the closed set of outcomes, the result.
import { z } from 'zod';
import { languageSchema, type Language } from './room.ts';

export const RUN_CODE_MAX_BYTES = 256 * 1024;
export const RUN_STDIN_MAX_BYTES = 64 * 1024;

export const runRequestSchema = z
  .object({
    language: languageSchema,
    code: z.string().refine((code) => Buffer.byteLength(code) <= RUN_CODE_MAX_BYTES, {
      message: `code is larger than ${RUN_CODE_MAX_BYTES / 1024} KB`,
    }),
    stdin: z.string().max(RUN_STDIN_MAX_BYTES).optional(),
    problemId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type RunRequest = z.infer<typeof runRequestSchema>;

/** ok: exited 0. error: exited non-zero. The rest: the sandbox stopped the program. */
export const RUN_STATUSES = ['ok', 'error', 'timeout', 'memory', 'output-limit'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunImage {
  mimeType: 'image/png';
  /** base64 */
  data: string;
}

export interface TestCaseResult {
  /** Candidates see hidden cases as "Hidden test 1…N": a name can give the case away. */
  name: string;
  hidden: boolean;
  passed: boolean;
  /** Why it failed. For hidden cases only interviewers receive it. */
  message?: string;
  /** Interviewers see these for every case; candidates only for public ones. */
  input?: unknown;
  expected?: unknown;
  actual?: unknown;
}

export interface TestReport {
  passed: number;
  total: number;
  cases: TestCaseResult[];
  /**
   * How the separate run of the hidden cases ended. With one pass/fail bit per hidden case,
   * the only thing of that run a candidate receives (never its output or messages).
   */
  hiddenStatus?: RunStatus;
}

export interface RunResult {
  runId: string;
  language: Language;
  status: RunStatus;
  stdout: string;
  stderr: string;
  /** null when the program was killed. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  truncated: boolean;
  images?: RunImage[];
  /** When the run named a problem with tests. */
  tests?: TestReport;
  problemId?: string;
  /** What the program printed while the test cases ran: may echo hidden inputs, so interviewers only. */
  gradingOutput?: { stdout: string; stderr: string };
}

export interface RunStarted {
  runId: string;
  language: Language;
  startedBy: { name: string; role: string };
  startedAt: string;
}

export interface RunOutputChunk {
  runId: string;
  stream: 'stdout' | 'stderr';
  data: string;
}

/** GET /api/rooms/:roomId/runs/graded-count (interviewers): each of the candidate's graded runs can probe the hidden cases. */
export interface GradedRunCount {
  /** Graded runs in the room, whoever started them. */
  total: number;
  /** Of those, started by the candidate. */
  candidate: number;
}

/** One line of the room's run history, as both people see it. */
export interface RunHistoryEntry extends RunStarted {
  status: RunStatus;
  durationMs: number;
}
