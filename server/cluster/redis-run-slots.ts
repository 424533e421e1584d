// Run slots per room shared by every instance: a sorted set per room of run ids scored by
// when their lease ends, so a run whose instance died stops counting once its lease is over.
// While Redis cannot answer, the instance counts on its own (looser, never stuck).
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { memoryRunSlots, type RunSlots } from '../runs/run-slots.ts';

// Drops expired leases, then takes a slot if one is free. Returns the slots in use before.
const ACQUIRE_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local inUse = redis.call('ZCARD', KEYS[1])
if inUse < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
return inUse`;

const slotsKey = (roomId: string) => `run-slots:{${roomId}}`;

export function redisRunSlots(redis: Redis, slotsPerRoom: number, leaseMs: number, log: Logger): RunSlots {
  const local = memoryRunSlots(slotsPerRoom);
  const counted = new Set<string>(); // runs admitted by the local fallback
  return {
    async acquire(roomId, runId) {
      try {
        const now = Date.now();
        const inUse = Number(await redis.eval(ACQUIRE_SCRIPT, 1, slotsKey(roomId), now, now + leaseMs, runId, slotsPerRoom));
        return inUse < slotsPerRoom ? { ok: true } : { ok: false, inUse };
      } catch (error) {
        log.warn({ err: error }, 'run slots: redis did not answer; counting on this instance');
        counted.add(runId);
        return local.acquire(roomId, runId);
      }
    },
    async release(roomId, runId) {
      if (counted.delete(runId)) return local.release(roomId, runId);
      await redis.zrem(slotsKey(roomId), runId).catch((error: unknown) => log.warn({ err: error }, 'run slots: release failed; the lease expires instead'));
    },
  };
}
