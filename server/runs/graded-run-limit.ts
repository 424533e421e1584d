// How often a room's candidate may start a graded run. A hidden case still answers pass/fail
// to any program, so a candidate could probe hidden inputs one bit per case per run; spacing
// the runs makes that slow, and the interviewer sees the count. One instance remembers in
// memory; several share the limit through Redis (server/cluster/redis-graded-run-limit.ts).

export type GradedRunAnswer = { ok: true } | { ok: false; retryAfterMs: number };

export interface GradedRunLimit {
  /** Takes the room's turn for a graded run now, or says how long until the next one is allowed. */
  take(roomId: string): Promise<GradedRunAnswer>;
}

export function memoryGradedRunLimit(minIntervalMs: number, now: () => number = Date.now): GradedRunLimit {
  const nextAllowedAt = new Map<string, number>();
  return {
    async take(roomId) {
      if (minIntervalMs <= 0) return { ok: true };
      const at = now();
      const next = nextAllowedAt.get(roomId);
      if (next !== undefined && next > at) return { ok: false, retryAfterMs: next - at };
      nextAllowedAt.set(roomId, at + minIntervalMs);
      // Forget rooms whose wait is over, so the map holds only rooms inside their interval.
      for (const [id, until] of nextAllowedAt) if (until <= at) nextAllowedAt.delete(id);
      return { ok: true };
    },
  };
}
