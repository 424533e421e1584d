// Provider mode: N rooms x 2 real y-websocket WebsocketProvider clients, each typing one
// character per keystroke into the shared text and moving its awareness cursor. A
// keystroke's latency ends when the other client's document emits the update carrying it
// (identified by the typing client's id and the character's clock).
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { mapLimit } from './async-utils.ts';
import { codeText, cursorAt, cursorState, keystrokeChar, userState } from './keystrokes.ts';
import { clientOf, measureLoad, type DriverCheck, type LoadDriver, type LoadResult, type PhaseOptions } from './phase.ts';
import { closeProvider, openProvider, whenSynced } from './providers.ts';
import type { BenchServer, RoomAccess, Slot } from './servers.ts';
import { LatencyLog } from './stats.ts';

const CONNECT_CONCURRENCY = 20;
const SYNC_TIMEOUT_MS = 30_000;

class TypingClient {
  readonly doc = new Y.Doc();
  readonly text = codeText(this.doc);
  readonly provider: WebsocketProvider;
  /** Send time of each character typed here, by its clock (one clock tick per character). */
  readonly sentAt: number[] = [];
  peer: TypingClient = this;
  disconnects = 0;
  private cursor: Y.RelativePosition | undefined;

  constructor(
    room: RoomAccess,
    readonly slot: Slot,
    latency: LatencyLog,
  ) {
    this.provider = openProvider(room, slot, this.doc);
    this.provider.awareness.setLocalStateField('user', userState(slot));
    this.provider.on('status', ({ status }) => {
      if (status === 'disconnected') this.disconnects += 1;
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this.provider) return;
      const now = performance.now();
      const { from, to } = Y.parseUpdateMeta(update);
      const first = from.get(this.peer.doc.clientID);
      if (first === undefined) return;
      const end = to.get(this.peer.doc.clientID) ?? first;
      for (let clock = first; clock < end; clock++) {
        const sentAt = this.peer.sentAt[clock];
        if (sentAt !== undefined) latency.add(sentAt, now - sentAt);
      }
    });
  }

  get sent(): number {
    return this.sentAt.length;
  }

  type(keystroke: number): void {
    const index = this.cursor
      ? (Y.createAbsolutePositionFromRelativePosition(this.cursor, this.doc)?.index ?? this.text.length)
      : this.slot === 0
        ? 0
        : this.text.length;
    this.sentAt[Y.getState(this.doc.store, this.doc.clientID)] = performance.now();
    this.text.insert(index, keystrokeChar(keystroke));
    this.cursor = cursorAt(this.text, index + 1);
    this.provider.awareness.setLocalStateField('cursor', cursorState(this.cursor));
  }
}

class ProviderDriver implements LoadDriver {
  constructor(
    private readonly pairs: [TypingClient, TypingClient][],
    readonly latency: LatencyLog,
  ) {}

  get clients(): number {
    return this.pairs.length * 2;
  }

  type(client: number, keystroke: number): void {
    clientOf(this.pairs, client)?.type(keystroke);
  }

  delivered(): boolean {
    return this.pairs.every(([a, b]) => a.text.length === a.sent + b.sent && b.text.length === a.sent + b.sent);
  }

  async check(): Promise<DriverCheck> {
    let lost = 0;
    let diverged = 0;
    let disconnects = 0;
    for (const [a, b] of this.pairs) {
      const expected = a.sent + b.sent;
      lost += Math.max(0, expected - a.text.length) + Math.max(0, expected - b.text.length);
      if (a.text.toString() !== b.text.toString()) diverged += 1;
      disconnects += a.disconnects + b.disconnects;
    }
    const notes: string[] = [];
    if (diverged > 0) notes.push(`${diverged} rooms whose two texts differ`);
    if (disconnects > 0) notes.push(`${disconnects} provider disconnects`);
    return { lost, notes };
  }
}

export async function runProviderLoad(server: BenchServer, rooms: number, options: PhaseOptions): Promise<LoadResult> {
  const access = await server.createRooms(rooms);
  const latency = new LatencyLog();
  const pairs: [TypingClient, TypingClient][] = [];
  try {
    await mapLimit(access, CONNECT_CONCURRENCY, async (room) => {
      const pair: [TypingClient, TypingClient] = [new TypingClient(room, 0, latency), new TypingClient(room, 1, latency)];
      pair[0].peer = pair[1];
      pair[1].peer = pair[0];
      pairs.push(pair);
      await Promise.all(pair.map((client) => whenSynced(client.provider, SYNC_TIMEOUT_MS)));
    });
    return await measureLoad(server, rooms, new ProviderDriver(pairs, latency), options);
  } finally {
    for (const pair of pairs) for (const client of pair) closeProvider(client.provider);
  }
}
