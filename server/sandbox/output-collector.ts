import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** Collects one output stream up to a byte cap, forwarding text as it arrives. */
export class OutputCollector {
  private readonly decoder = new StringDecoder('utf8');
  private bytes = 0;
  text = '';
  overflowed = false;

  constructor(
    stream: Readable,
    private readonly maxBytes: number,
    private readonly onText: (text: string) => void,
    private readonly onOverflow: () => void,
  ) {
    stream.on('data', (chunk: Buffer) => this.push(chunk));
  }

  private push(chunk: Buffer): void {
    if (this.overflowed) return;
    const room = this.maxBytes - this.bytes;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.bytes += kept.length;
    const text = this.decoder.write(kept);
    if (text) {
      this.text += text;
      this.onText(text);
    }
    if (chunk.length > room) {
      this.overflowed = true;
      this.onOverflow();
    }
  }
}

/** Reads length-prefixed frames (4-byte big-endian length) up to a count and byte cap. */
export class FrameCollector {
  /** Bytes received but not yet part of a whole frame, kept as chunks: a dataset dump is megabytes. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private total = 0;
  readonly frames: Buffer[] = [];

  constructor(stream: Readable, maxFrames: number, maxBytes: number) {
    stream.on('data', (chunk: Buffer) => {
      this.total += chunk.length;
      if (this.total > maxBytes || this.frames.length >= maxFrames) return void stream.destroy();
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      while (this.pendingBytes >= 4) {
        const head = this.pending[0]!.length >= 4 ? this.pending[0]! : Buffer.concat(this.pending);
        const length = head.readUInt32BE(0);
        if (this.pendingBytes < 4 + length) break;
        const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
        this.frames.push(all.subarray(4, 4 + length));
        const rest = all.subarray(4 + length);
        this.pending = rest.length > 0 ? [rest] : [];
        this.pendingBytes = rest.length;
      }
    });
    stream.resume(); // a warm pool pauses the pipe after reading its ready byte
  }
}
