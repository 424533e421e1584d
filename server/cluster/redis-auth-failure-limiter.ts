// Failed token checks per IP counted in Redis, so N instances behind a load balancer allow
// what one instance would, not N times as much. While Redis cannot answer, each instance
// counts on its own (looser, but a login never waits for Redis).
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { AUTH_FAILURE_WINDOW_MS, createAuthFailureLimiter, type AuthFailureLimiter } from '../rooms/auth-failure-limiter.ts';

const failuresKey = (ip: string) => `auth-failures:{${ip}}`;

export function redisAuthFailureLimiter(redis: Redis, failuresPerMinute: number, log: Logger): AuthFailureLimiter {
  const local = createAuthFailureLimiter(failuresPerMinute);
  const unavailable = (error: unknown) => log.warn({ err: error }, 'auth limiter: redis did not answer; counting on this instance');
  return {
    async isBlocked(ip) {
      try {
        return Number((await redis.get(failuresKey(ip))) ?? 0) >= failuresPerMinute;
      } catch (error) {
        unavailable(error);
        return local.isBlocked(ip);
      }
    },
    async recordFailure(ip) {
      try {
        // The window starts at the first failure (NX keeps it from sliding with each one).
        await redis.multi().incr(failuresKey(ip)).pexpire(failuresKey(ip), AUTH_FAILURE_WINDOW_MS, 'NX').exec();
      } catch (error) {
        unavailable(error);
        await local.recordFailure(ip);
      }
    },
    dispose: () => local.dispose(),
  };
}
