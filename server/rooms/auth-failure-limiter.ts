// Counts failed token checks per client IP in a fixed one-minute window. Successful
// connections never count, so a reconnect storm after a restart is never throttled. Several
// instances count together in Redis (server/cluster/redis-auth-failure-limiter.ts).

export interface AuthFailureLimiter {
  /** True when this IP has used up its failures for the current window. */
  isBlocked(ip: string): Promise<boolean>;
  recordFailure(ip: string): Promise<void>;
  dispose(): void;
}

export const AUTH_FAILURE_WINDOW_MS = 60_000;

export function createAuthFailureLimiter(failuresPerMinute: number, now: () => number = Date.now): AuthFailureLimiter {
  const windowMs = AUTH_FAILURE_WINDOW_MS;
  const failures = new Map<string, { count: number; windowStart: number }>();
  // Forget old entries so a scan from many addresses cannot grow the map without bound.
  const sweep = setInterval(() => {
    const cutoff = now() - windowMs;
    for (const [ip, entry] of failures) if (entry.windowStart < cutoff) failures.delete(ip);
  }, windowMs);
  sweep.unref();

  const current = (ip: string) => {
    const entry = failures.get(ip);
    if (!entry || now() - entry.windowStart >= windowMs) return undefined;
    return entry;
  };

  return {
    isBlocked: async (ip) => (current(ip)?.count ?? 0) >= failuresPerMinute,
    async recordFailure(ip) {
      const entry = current(ip);
      if (entry) entry.count += 1;
      else failures.set(ip, { count: 1, windowStart: now() });
    },
    dispose: () => clearInterval(sweep),
  };
}
