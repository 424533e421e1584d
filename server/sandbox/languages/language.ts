// One small descriptor per language. The program's source never touches the host's disk:
// the sandboxed harness reads it from file descriptor 3, so a run can be pre-started
// (warm) before the code exists, and the host never opens anything inside the sandbox.
import type { Language } from '../../../shared/room.ts';
import type { GradeRequest } from '../../grading/graded-call.ts';
import type { RunJob } from '../../runs/executor.ts';
import type { SandboxLimits } from '../limits.ts';

/** File descriptor the harness reads its job from (until EOF): JSON of HarnessPayload. */
export const CODE_FD = 3;
/**
 * File descriptor the harness writes to: in warm mode first one byte "R" once loaded, then
 * frames, each a 4-byte big-endian length followed by its bytes: PNG images of a run, or
 * JSON of grading results (an array of GradedCall, or one GradedCall per frame).
 */
export const IMAGE_FD = 4;

/**
 * A host path the sandbox sees read-only. A "*" in the last segment matches any
 * characters there (/usr/bin/python3*, /usr/lib/*-linux-gnu); `target` mounts it elsewhere inside; `optional` ones are
 * skipped when missing.
 */
export interface Mount {
  path: string;
  target?: string;
  optional?: boolean;
}

export interface LanguageRuntime {
  id: Language;
  /** Everything of the host this language needs, beyond the shared libraries every sandbox gets. */
  mounts: Mount[];
  /** The command started inside the sandbox; `warm` preloads heavy modules while idle. */
  command(options: { warm: boolean }): string[];
  /** Limits that differ from the RUN_* defaults (PGlite needs more memory than a Python run). */
  limits?: Partial<Pick<SandboxLimits, 'memoryBytes'>>;
  /** Pre-started sandboxes kept for this language; RUN_WARM_POOL_SIZE when unset. */
  warmPoolSize?: number;
  /** Recognises a crash that means "out of memory" in the language's own words. */
  memoryErrorPattern?: RegExp;
  /** Compile step on the host: turns the submitted source into what the harness runs (e.g. TypeScript to JavaScript). */
  prepare?(code: string): Promise<PreparedCode>;
  /**
   * Language-specific fields of the harness's job (a dataset to load, say). May run helper
   * jobs in a fresh sandbox of this language; failing here fails the run as unavailable.
   */
  jobFields?(job: RunJob, helpers: RuntimeHelpers): Promise<Record<string, unknown>>;
  /** Host-side preparation worth doing before the first run when a warm pool is on (a default dataset). */
  warmUp?(helpers: RuntimeHelpers): Promise<void>;
}

/** What a descriptor may ask of the runner while it builds a job. */
export interface RuntimeHelpers {
  /** Runs the harness once with this payload in a fresh cold sandbox and returns its frames (throws when it fails). */
  helperRun(payload: Record<string, unknown>, options: { timeoutMs: number; maxFrameBytes: number }): Promise<Buffer[]>;
}

/** What the harness receives on fd 3. */
export interface HarnessPayload {
  code: string;
  /** Grading: run the cases after (or instead of) the program and report each one's outcome. */
  grade?: GradeRequest;
  [field: string]: unknown;
}

export type PreparedCode = { ok: true; code: string } | { ok: false; stderr: string };
