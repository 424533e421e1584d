// Presses Run the way the client does: POST /api/rooms/:roomId/runs with the room's Bearer
// token, timed from sending the request to having parsed the whole JSON result.
import type { RunResult } from '../../../shared/run.ts';
import type { BenchProgram } from './programs.ts';

export interface BenchRoom {
  httpUrl: string;
  roomId: string;
  token: string;
}

export interface RunOutcome {
  /** HTTP status, or 0 when the request failed or timed out. */
  httpStatus: number;
  latencyMs: number;
  /** Set on 200. */
  result?: RunResult;
  /** Set when the run did not produce the program's output (any status but a good 200). */
  error?: string;
}

/** Aborts when the benchmark stops or after `timeoutMs`, whichever comes first. */
export const requestSignal = (signal: AbortSignal, timeoutMs: number): AbortSignal => AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

export async function pressRun(room: BenchRoom, program: BenchProgram, signal: AbortSignal): Promise<RunOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(`${room.httpUrl}/api/rooms/${room.roomId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${room.token}`, 'x-display-name': 'bench' },
      body: JSON.stringify({ language: program.language, code: program.code }),
      signal,
    });
    const text = await response.text();
    const latencyMs = performance.now() - started;
    if (response.status !== 200) return { httpStatus: response.status, latencyMs, error: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    const result = JSON.parse(text) as RunResult;
    const good = result.status === 'ok' && program.expect(result.stdout);
    return { httpStatus: 200, latencyMs, result, error: good ? undefined : `run ${result.status}: ${(result.stderr || result.stdout).slice(0, 200)}` };
  } catch (error) {
    return { httpStatus: 0, latencyMs: performance.now() - started, error: (error as Error).message };
  }
}
