// One small descriptor per language. The program's source never touches the host's disk:
// the sandboxed harness reads it from file descriptor 3, so a run can be pre-started
// (warm) before the code exists, and the host never opens anything inside the sandbox.
import type { Language } from '../../../shared/room.ts';

/** File descriptor the harness reads its job from (until EOF): JSON of HarnessPayload. */
export const CODE_FD = 3;
/**
 * File descriptor the harness writes to: in warm mode first one byte "R" once loaded, then
 * images as 4-byte big-endian length followed by PNG bytes.
 */
export const IMAGE_FD = 4;

export interface LanguageRuntime {
  id: Language;
  /** Host binaries the sandbox must see (bound read-only if outside /usr). */
  binaries: string[];
  /** The command started inside the sandbox; `warm` preloads heavy modules while idle. */
  command(options: { warm: boolean }): string[];
  /** Turns the submitted source into what the harness runs (e.g. TypeScript to JavaScript). */
  prepare?(code: string): Promise<PreparedCode>;
}

/** What the harness receives on fd 3. */
export interface HarnessPayload {
  code: string;
  /** Grading: call `entry` once per case after the program ran (Python). */
  grade?: { entry: string; cases: { name: string; args: unknown[]; kwargs: Record<string, unknown> }[] };
}

export type PreparedCode = { ok: true; code: string } | { ok: false; stderr: string };
