// Runs beyond the concurrency limit wait here. Rooms take turns, so one room pressing Run
// in a loop cannot make another room wait behind all of its runs.
export class FairQueue {
  private readonly waiting = new Map<string, (() => void)[]>();
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

  private dispatch(): void {
    while (this.running < this.concurrency && this.waiting.size > 0) {
      // Map iteration order is insertion order: take the oldest key, then move it to the back.
      const [key, list] = this.waiting.entries().next().value as [string, (() => void)[]];
      const start = list.shift()!;
      this.waiting.delete(key);
      if (list.length > 0) this.waiting.set(key, list);
      this.running += 1;
      start();
    }
  }
}
