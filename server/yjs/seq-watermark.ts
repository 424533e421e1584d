// Which logged updates of a room a document already holds. Sequence numbers of a room are
// contiguous in the shared database, so "everything up to N" is known once N's predecessors
// all arrived, whichever instance stored them and in whatever order the relay delivered them.
export class SeqWatermark {
  private upTo: number;
  private readonly ahead = new Set<number>();
  /** When the oldest still-missing predecessor was first noticed. */
  private gapSinceMs: number | undefined;

  constructor(start: number) {
    this.upTo = start;
  }

  /** Every seq up to this one is in the document. */
  get contiguous(): number {
    return this.upTo;
  }

  mark(seq: number, nowMs = Date.now()): void {
    if (seq <= this.upTo) return;
    this.ahead.add(seq);
    while (this.ahead.delete(this.upTo + 1)) this.upTo += 1;
    if (this.ahead.size === 0) this.gapSinceMs = undefined;
    else this.gapSinceMs ??= nowMs;
  }

  /** True when some predecessor has been missing for longer than `graceMs`. */
  gapOlderThan(graceMs: number, nowMs = Date.now()): boolean {
    return this.gapSinceMs !== undefined && nowMs - this.gapSinceMs >= graceMs;
  }
}
