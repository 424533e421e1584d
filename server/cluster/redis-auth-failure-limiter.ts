// Failed token checks per IP and room counted in Redis, so N instances behind a load balancer
// allow what one instance would, not N times as much. While Redis cannot answer, each
// instance counts on its own (looser, but a login never waits for Redis).
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { AUTH_FAILURE_WINDOW_MS, createAuthFailureLimiter, type AuthFailureLimiter } from '../rooms/auth-failure-limiter.ts';

const failuresKey = (key: string) => `auth-failures:{${key}}`;

export function redisAuthFailureLimiter(redis: Redis, failuresPerMinute: number, log: Logger): AuthFailureLimiter {
  const local = createAuthFailureLimiter(failuresPerMinute);
  return {
    async recordFailure(key) {
      try {
        // The window starts at the first failure (NX keeps it from sliding with each one).
        const replies = await redis.multi().incr(failuresKey(key)).pexpire(failuresKey(key), AUTH_FAILURE_WINDOW_MS, 'NX').exec();
        const [error, count] = replies?.[0] ?? [new Error('the transaction was discarded'), 0];
        if (error) throw error;
        return Number(count) > failuresPerMinute;
      } catch (error) {
        log.warn({ err: error }, 'auth limiter: redis did not answer; counting on this instance');
        return local.recordFailure(key);
      }
    },
    dispose: () => local.dispose(),
  };
}
