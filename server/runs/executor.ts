// What the run path knows of executing code: a job in, a result out. Each language is one
// descriptor behind this interface (sandbox/languages/), so the path has no language cases.
import type { Language } from '../../shared/room.ts';
import type { RunResult } from '../../shared/run.ts';
import { AppError } from '../errors/app-error.ts';
import type { GradeRequest, GradedCall } from '../grading/graded-call.ts';

export interface RunJob {
  runId: string;
  language: Language;
  code: string;
  stdin: string;
  /** Set for a grading run of a problem: call the cases and report what each produced. */
  grade?: GradeRequest;
  /** SQL runs: the dataset to run against when not the default one, and rows added for this run only. */
  dataset?: { setupSql: string; setup?: string };
}

/** A finished run as the executor reports it (grading runs add what each case produced). */
export type ExecutedRun = RunResult & { graded?: GradedCall[] };

export type OutputListener = (stream: 'stdout' | 'stderr', text: string) => void;

/** Executes one job wherever runs execute (in this process, or a worker through a queue). */
export interface RunExecutor {
  execute(job: RunJob, onOutput: OutputListener): Promise<ExecutedRun>;
}

/** The executor cannot run this language here (a missing package, an engine that failed to start). */
export class RunUnavailableError extends AppError {
  constructor(message: string) {
    super('unavailable', message);
  }
}
