// How many runs a room may have queued or running at once. One instance counts in memory;
// several count together in Redis (server/cluster/redis-run-slots.ts).

export type SlotAnswer = { ok: true } | { ok: false; inUse: number };

export interface RunSlots {
  /** Takes one of the room's slots for this run, or says how many are in use. */
  acquire(roomId: string, runId: string): Promise<SlotAnswer>;
  release(roomId: string, runId: string): Promise<void>;
}

export function memoryRunSlots(slotsPerRoom: number): RunSlots {
  const taken = new Map<string, Set<string>>();
  return {
    async acquire(roomId, runId) {
      const runs = taken.get(roomId) ?? new Set<string>();
      if (runs.size >= slotsPerRoom) return { ok: false, inUse: runs.size };
      runs.add(runId);
      taken.set(roomId, runs);
      return { ok: true };
    },
    async release(roomId, runId) {
      const runs = taken.get(roomId);
      runs?.delete(runId);
      if (runs?.size === 0) taken.delete(roomId);
    },
  };
}
