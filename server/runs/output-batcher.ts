// Streams output to viewers in small batches: a tight print loop would otherwise become
// thousands of Socket.IO events per second.
export class OutputBatcher {
  private pending: { stream: 'stdout' | 'stderr'; text: string } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (stream: 'stdout' | 'stderr', text: string) => void,
    private readonly intervalMs = 30,
  ) {}

  push(stream: 'stdout' | 'stderr', text: string): void {
    if (this.pending && this.pending.stream !== stream) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { stream, text };
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.send(pending.stream, pending.text);
  }
}
