// A Run from request to result: per-room admission (429 beyond the limit), fair queueing
// across rooms, the executor, streaming to the room, and the history both people see.
import { randomUUID } from 'node:crypto';
import type { Language } from '../../shared/room.ts';
import type { RunHistoryEntry, RunOutputChunk, RunResult, RunStarted, RunStatus } from '../../shared/run.ts';
import { buildReport, gradeRequest } from '../grading/grade.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import { AppError } from '../errors/app-error.ts';
import type { Store } from '../persistence/store.ts';
import type { ExecutedRun, RunExecutor, RunJob } from './executor.ts';
import { FairQueue } from './fair-queue.ts';
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
        const grade = problem && gradeRequest(problem);
        if (!problem || !grade) return ran;
        // A second, silent run: what the program prints while test cases run may echo hidden inputs.
        const grading = await this.executor.execute({ ...job, runId: `${job.runId}-grading`, stdin: '', grade }, () => undefined);
        return {
          ...ran,
          problemId: problem.meta.id,
          tests: buildReport(problem, grading.graded, gradingFailure(grading)),
          gradingOutput: { stdout: grading.stdout, stderr: grading.stderr },
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
