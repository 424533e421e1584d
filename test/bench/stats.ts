// Percentiles of latency samples, optionally only those sent after the warm-up mark.

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; NaN everywhere when there are no samples. */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN));
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length === 0 ? NaN : (sorted.at(-1) ?? NaN) };
}

/** Keystroke latencies with their send times (performance.now() ms), in a growable buffer. */
export class LatencyLog {
  private sentAt = new Float64Array(4096);
  private latency = new Float64Array(4096);
  private size = 0;

  add(sentAt: number, latencyMs: number): void {
    if (this.size === this.sentAt.length) {
      this.sentAt = grow(this.sentAt);
      this.latency = grow(this.latency);
    }
    this.sentAt[this.size] = sentAt;
    this.latency[this.size] = latencyMs;
    this.size += 1;
  }

  /** Summary of the samples whose keystroke was sent at or after `fromSentAt`. */
  summary(fromSentAt = -Infinity): Summary {
    const kept: number[] = [];
    for (let i = 0; i < this.size; i++) if ((this.sentAt[i] ?? 0) >= fromSentAt) kept.push(this.latency[i] ?? 0);
    return summarize(kept);
  }
}

function grow(array: Float64Array): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
