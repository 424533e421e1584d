// A token bucket per connection and event kind: a connection may send `burst` events of one
// kind at once, then `perMinute` a minute. Each event costs the server work and most are
// broadcast to the room, so one hostile connection must not be able to make the server (or
// everyone else's browser) do unbounded work.

export type Verdict =
  | 'allow'
  /** The first event dropped since the last one allowed: tell the sender once. */
  | 'drop-and-tell'
  | 'drop';

export interface EventAllowanceSettings {
  perMinute: number;
  burst: number;
}

export function eventAllowance(settings: EventAllowanceSettings, now: () => number = Date.now): (kind: string) => Verdict {
  const refillPerMs = settings.perMinute / 60_000;
  // Kinds are the typed events plus one bucket for anything else, so this stays small.
  const buckets = new Map<string, { tokens: number; at: number; told: boolean }>();
  return (kind) => {
    const time = now();
    let bucket = buckets.get(kind);
    if (!bucket) buckets.set(kind, (bucket = { tokens: settings.burst, at: time, told: false }));
    bucket.tokens = Math.min(settings.burst, bucket.tokens + (time - bucket.at) * refillPerMs);
    bucket.at = time;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.told = false;
      return 'allow';
    }
    if (bucket.told) return 'drop';
    bucket.told = true;
    return 'drop-and-tell';
  };
}
