// A Run from request to result: per-room admission (429 beyond the limit), the graded-run
// interval for candidates, fair queueing across rooms, the executor, streaming to the room,
// and the history both people see.
import { randomUUID } from 'node:crypto';
import type { Language } from '../../shared/room.ts';
import type { GradedRunCount, RunHistoryEntry, RunOutputChunk, RunResult, RunStarted, RunStatus } from '../../shared/run.ts';
import { buildReport, CASE_GROUPS, gradeRequests, type CaseGroup, type GroupOutcome } from '../grading/grade.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import { AppError } from '../errors/app-error.ts';
import type { Store } from '../persistence/store.ts';
import type { ExecutedRun, RunExecutor, RunJob } from './executor.ts';
import { FairQueue } from './fair-queue.ts';
import type { GradedRunLimit } from './graded-run-limit.ts';
import { OutputBatcher } from './output-batcher.ts';
import type { RunSlots } from './run-slots.ts';

/** Where run events go: the room's connections. */
export interface RunBroadcaster {
  started(roomId: string, payload: RunStarted): void;
  output(roomId: string, payload: RunOutputChunk): void;
  result(roomId: string, payload: RunResult): void;
}

export const RUN_HISTORY_LENGTH = 20;

/** Why a grading run produced no value for a case, in words. */
function gradingFailure(grading: ExecutedRun): string | undefined {
  if (grading.status === 'timeout') return 'the tests ran out of time';
  if (grading.status === 'memory') return 'the tests ran out of memory';
  if (grading.status === 'output-limit') return 'the tests printed too much output';
  if (!grading.graded?.length) return 'the program failed before the tests could run';
  return undefined;
}

/** What the grading runs printed, each part labelled (interviewers only). */
function gradingOutput(runs: Partial<Record<CaseGroup, ExecutedRun>>): { stdout: string; stderr: string } {
  const joined = (stream: 'stdout' | 'stderr') =>
    CASE_GROUPS.flatMap((group) => (runs[group]?.[stream] ? [`[while the ${group} cases ran]\n${runs[group][stream]}`] : [])).join('\n');
  return { stdout: joined('stdout'), stderr: joined('stderr') };
}

/** SQL problems run against their own schema; the Run button's data is the first public case. */
function sqlDataset(problem: LoadedProblem | undefined): RunJob['dataset'] {
  const tests = problem?.tests;
  if (tests?.kind !== 'sql') return undefined;
  return { setupSql: tests.schema, setup: tests.cases.find((c) => !c.hidden)?.setup };
}

export class RunService {
  private readonly queue: FairQueue;
  /** This instance's runs queued or running (metrics; admission is the slots' job). */
  private running = 0;

  constructor(
    private readonly executor: RunExecutor,
    private readonly broadcast: RunBroadcaster,
    private readonly store: Store,
    private readonly options: {
      concurrency: number;
      /** Admission per room (429 when full); shared by every instance in multi-instance mode. */
      slots: RunSlots;
      /** Spacing of the candidate's graded runs per room (429 sooner); shared like the slots. */
      gradedRuns?: { limit: GradedRunLimit; minIntervalMs: number };
      /** Called once per finished run (metrics); 'failed' when the executor threw. */
      observeRun?: (language: Language, status: RunStatus | 'failed', seconds: number) => void;
    },
  ) {
    this.queue = new FairQueue(options.concurrency);
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  /** Runs queued or running on this instance, across rooms. */
  get inFlightCount(): number {
    return this.running;
  }

  history(roomId: string): Promise<RunHistoryEntry[]> {
    return this.store.listRuns(roomId, RUN_HISTORY_LENGTH);
  }

  /** Graded runs of a room so far, from what is stored (so every instance counts the same). */
  async gradedRunCount(roomId: string): Promise<GradedRunCount> {
    const [results, entries] = await Promise.all([this.store.listRunResults(roomId), this.store.listRuns(roomId, Number.MAX_SAFE_INTEGER)]);
    const byCandidate = new Set(entries.filter((e) => e.startedBy.role === 'candidate').map((e) => e.runId));
    const graded = results.filter((r) => r.tests);
    return { total: graded.length, candidate: graded.filter((r) => byCandidate.has(r.runId)).length };
  }

  /** The candidate's graded runs are spaced out: each can learn a pass/fail bit per hidden case. */
  private async takeGradedTurn(roomId: string): Promise<void> {
    const graded = this.options.gradedRuns;
    if (!graded) return;
    const answer = await graded.limit.take(roomId);
    if (answer.ok) return;
    const seconds = Math.max(1, Math.ceil(answer.retryAfterMs / 1000));
    throw new AppError(
      'rate_limited',
      `Runs with the problem's tests are limited to one every ${Math.ceil(graded.minIntervalMs / 1000)} s in this room; wait ${seconds} s and run again.`,
    );
  }

  /** Runs the code (output streamed to the room), then grades it when a problem with tests is given. */
  async submit(
    roomId: string,
    request: { language: Language; code: string; stdin?: string },
    startedBy: RunStarted['startedBy'],
    problem?: LoadedProblem,
  ): Promise<RunResult> {
    const runId = randomUUID();
    const slot = await this.options.slots.acquire(roomId, runId);
    if (!slot.ok) throw new AppError('rate_limited', `This room already has ${slot.inUse} runs queued or running; wait for one to finish.`);
    this.running += 1;
    try {
      const grades = problem ? gradeRequests(problem) : {};
      const graded = CASE_GROUPS.some((group) => grades[group]);
      if (graded && startedBy.role === 'candidate') await this.takeGradedTurn(roomId);
      const started: RunStarted = {
        runId,
        language: request.language,
        startedBy,
        startedAt: new Date().toISOString(),
      };
      this.broadcast.started(roomId, started);
      const batcher = new OutputBatcher((stream, data) => this.broadcast.output(roomId, { runId: started.runId, stream, data }));
      const job: RunJob = {
        runId: started.runId,
        language: request.language,
        code: request.code,
        stdin: request.stdin ?? '',
        dataset: sqlDataset(problem),
      };
      const result = await this.queue.schedule(roomId, async () => {
        // Metrics time the visible run (not the queue wait, not the grading run).
        const startedAt = performance.now();
        const seconds = () => (performance.now() - startedAt) / 1000;
        let executed: ExecutedRun;
        try {
          executed = await this.executor.execute(job, (stream, text) => batcher.push(stream, text));
        } catch (error) {
          this.options.observeRun?.(job.language, 'failed', seconds());
          throw error;
        }
        this.options.observeRun?.(job.language, executed.status, seconds());
        const { graded: _none, ...ran } = executed;
        batcher.flush();
        if (!problem || !graded) return ran;
        // Silent runs, one per group: what the program prints while cases run may echo their
        // inputs. Public and hidden cases never share a process, so nothing a candidate is
        // shown (a public case's value or message) comes from one that saw a hidden case.
        const runs: Partial<Record<CaseGroup, ExecutedRun>> = {};
        const outcomes: Partial<Record<CaseGroup, GroupOutcome>> = {};
        for (const group of CASE_GROUPS) {
          const grade = grades[group];
          if (!grade) continue;
          const grading = await this.executor.execute({ ...job, runId: `${job.runId}-${group}`, stdin: '', grade }, () => undefined);
          runs[group] = grading;
          outcomes[group] = { graded: grading.graded, failure: gradingFailure(grading), status: grading.status };
        }
        return {
          ...ran,
          problemId: problem.meta.id,
          tests: buildReport(problem, outcomes),
          gradingOutput: gradingOutput(runs),
        } satisfies RunResult;
      });
      await this.store.saveRun(roomId, { ...started, status: result.status, durationMs: result.durationMs }, result);
      this.broadcast.result(roomId, result);
      return result;
    } finally {
      this.running -= 1;
      await this.options.slots.release(roomId, runId);
    }
  }
}
