// Counts failed token checks in a fixed one-minute window, per client IP and room. Only
// failures are counted and only failures are refused: the token is checked first, so a valid
// one always gets in, however many bad ones came from its address (behind a proxy that is not
// trusted, every candidate shares one). Several instances count together in Redis
// (server/cluster/redis-auth-failure-limiter.ts).

export interface AuthFailureLimiter {
  /** Counts one failure under `key`; true when the key is past its allowance (refuse as too many). */
  recordFailure(key: string): Promise<boolean>;
  dispose(): void;
}

export const AUTH_FAILURE_WINDOW_MS = 60_000;

/**
 * Failures of one address in one room. Guesses at rooms that do not exist share one key per
 * address, so scanning room ids cannot make a key per guess.
 */
export function authFailureKey(ip: string, roomId: string | undefined): string {
  return `${ip}|${roomId ?? '-'}`;
}

export function createAuthFailureLimiter(failuresPerMinute: number, now: () => number = Date.now): AuthFailureLimiter {
  const windowMs = AUTH_FAILURE_WINDOW_MS;
  const failures = new Map<string, { count: number; windowStart: number }>();
  // Forget old entries so failures from many addresses cannot grow the map without bound.
  const sweep = setInterval(() => {
    const cutoff = now() - windowMs;
    for (const [key, entry] of failures) if (entry.windowStart < cutoff) failures.delete(key);
  }, windowMs);
  sweep.unref();

  return {
    async recordFailure(key) {
      let entry = failures.get(key);
      if (!entry || now() - entry.windowStart >= windowMs) {
        entry = { count: 0, windowStart: now() };
        failures.set(key, entry);
      }
      entry.count += 1;
      return entry.count > failuresPerMinute;
    },
    dispose: () => clearInterval(sweep),
  };
}
