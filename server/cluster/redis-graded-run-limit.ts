// The graded-run interval per room shared by every instance: one key per room that lives for
// the interval (SET NX PX), so whichever instance a candidate reaches, the wait is the same.
// While Redis cannot answer, the instance limits on its own (looser, never stuck).
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { memoryGradedRunLimit, type GradedRunLimit } from '../runs/graded-run-limit.ts';

// Takes the turn if the key is absent; otherwise returns how long it still lives (ms).
const TAKE_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then
  return -1
end
return redis.call('PTTL', KEYS[1])`;

const limitKey = (roomId: string) => `graded-run:{${roomId}}`;

export function redisGradedRunLimit(redis: Redis, minIntervalMs: number, log: Logger): GradedRunLimit {
  const local = memoryGradedRunLimit(minIntervalMs);
  return {
    async take(roomId) {
      if (minIntervalMs <= 0) return { ok: true };
      try {
        const remaining = Number(await redis.eval(TAKE_SCRIPT, 1, limitKey(roomId), minIntervalMs));
        // -1: taken now; -2 (gone meanwhile) or 0: the interval is over.
        return remaining > 0 ? { ok: false, retryAfterMs: remaining } : { ok: true };
      } catch (error) {
        log.warn({ err: error }, 'graded run limit: redis did not answer; limiting on this instance');
        return local.take(roomId);
      }
    },
  };
}
