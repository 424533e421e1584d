// A Run from request to result: per-room admission (429 beyond the limit), fair queueing
// across rooms, the executor, streaming to the room, and the history both people see.
import { randomUUID } from 'node:crypto';
import type { Language } from '../../shared/room.ts';
import type { RunHistoryEntry, RunOutputChunk, RunResult, RunStarted } from '../../shared/run.ts';
import { HttpError } from '../http/http-error.ts';
import type { Store } from '../persistence/store.ts';
import { FairQueue } from './fair-queue.ts';
import { OutputBatcher } from './output-batcher.ts';

export interface RunJob {
  runId: string;
  language: Language;
  code: string;
  stdin: string;
}

/** Executes one job wherever runs execute (in this process, or a worker through a queue). */
export interface RunExecutor {
  execute(job: RunJob, onOutput: (stream: 'stdout' | 'stderr', text: string) => void): Promise<RunResult>;
}

/** Where run events go: the room's connections. */
export interface RunBroadcaster {
  started(roomId: string, payload: RunStarted): void;
  output(roomId: string, payload: RunOutputChunk): void;
  result(roomId: string, payload: RunResult): void;
}

export const RUN_HISTORY_LENGTH = 20;

/** The executor cannot run this language here (a missing package, an engine that failed to start). */
export class RunUnavailableError extends Error {}

export class RunService {
  private readonly queue: FairQueue;
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly executor: RunExecutor,
    private readonly broadcast: RunBroadcaster,
    private readonly store: Store,
    private readonly options: { concurrency: number; maxInFlightPerRoom: number },
  ) {
    this.queue = new FairQueue(options.concurrency);
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  history(roomId: string): Promise<RunHistoryEntry[]> {
    return this.store.listRuns(roomId, RUN_HISTORY_LENGTH);
  }

  async submit(
    roomId: string,
    request: { language: Language; code: string; stdin?: string },
    startedBy: RunStarted['startedBy'],
  ): Promise<RunResult> {
    const count = this.inFlight.get(roomId) ?? 0;
    if (count >= this.options.maxInFlightPerRoom) {
      throw new HttpError('rate_limited', `This room already has ${count} runs queued or running; wait for one to finish.`);
    }
    this.inFlight.set(roomId, count + 1);
    try {
      const started: RunStarted = {
        runId: randomUUID(),
        language: request.language,
        startedBy,
        startedAt: new Date().toISOString(),
      };
      this.broadcast.started(roomId, started);
      const batcher = new OutputBatcher((stream, data) => this.broadcast.output(roomId, { runId: started.runId, stream, data }));
      const result = await this.queue.schedule(roomId, () =>
        this.executor.execute(
          { runId: started.runId, language: request.language, code: request.code, stdin: request.stdin ?? '' },
          (stream, text) => batcher.push(stream, text),
        ),
      );
      batcher.flush();
      await this.store.saveRun(roomId, { ...started, status: result.status, durationMs: result.durationMs }, result);
      this.broadcast.result(roomId, result);
      return result;
    } finally {
      const left = (this.inFlight.get(roomId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(roomId, left);
      else this.inFlight.delete(roomId);
    }
  }
}
