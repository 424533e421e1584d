// Runs beyond the concurrency limit wait here. Rooms take turns: the next run comes from the
// waiting room that was served longest ago, so one room pressing Run in a loop cannot make
// another room wait behind all of its runs.
export class FairQueue {
  private readonly waiting = new Map<string, (() => void)[]>();
  /** When each key last had a run started (a sequence number, not a time). */
  private readonly lastServed = new Map<string, number>();
  private served = 0;
  private running = 0;

  constructor(private readonly concurrency: number) {}

  get depth(): number {
    let total = 0;
    for (const list of this.waiting.values()) total += list.length;
    return total;
  }

  /** Runs `task` when a slot is free and it is this key's turn. */
  async schedule<T>(key: string, task: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      const list = this.waiting.get(key) ?? [];
      list.push(start);
      this.waiting.set(key, list);
      this.dispatch();
    });
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.dispatch();
    }
  }

  private nextKey(): string | undefined {
    let best: string | undefined;
    let bestServed = Infinity;
    for (const key of this.waiting.keys()) {
      const last = this.lastServed.get(key) ?? -1;
      if (last < bestServed) {
        best = key;
        bestServed = last;
      }
    }
    return best;
  }

  private dispatch(): void {
    for (let key = this.nextKey(); key !== undefined && this.running < this.concurrency; key = this.nextKey()) {
      const list = this.waiting.get(key)!;
      const start = list.shift()!;
      if (list.length === 0) this.waiting.delete(key);
      this.lastServed.set(key, this.served++);
      this.running += 1;
      start();
    }
    // Forget rooms that are long idle so the map stays small.
    if (this.lastServed.size > 10_000) {
      for (const key of this.lastServed.keys()) if (!this.waiting.has(key)) this.lastServed.delete(key);
    }
  }
}
