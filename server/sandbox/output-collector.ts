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
  private buffer = Buffer.alloc(0);
  private total = 0;
  readonly frames: Buffer[] = [];

  constructor(stream: Readable, maxFrames: number, maxBytes: number) {
    stream.on('data', (chunk: Buffer) => {
      this.total += chunk.length;
      if (this.total > maxBytes || this.frames.length >= maxFrames) return void stream.destroy();
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4) {
        const length = this.buffer.readUInt32BE(0);
        if (this.buffer.length < 4 + length) break;
        this.frames.push(this.buffer.subarray(4, 4 + length));
        this.buffer = this.buffer.subarray(4 + length);
      }
    });
    stream.resume(); // a warm pool pauses the pipe after reading its ready byte
  }
}
