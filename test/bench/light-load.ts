// Light mode: N rooms x 2 raw `ws` clients for loads where real providers would saturate
// the generator. They skip the handshake (the server's sync step 1 is ignored), send
// pre-encoded keystroke frames (one Yjs update + one awareness update each) and decode only
// the head of relayed updates to time them. After the drain, each room's whole document is
// fetched from the server to count the characters it actually holds.
import WebSocket from 'ws';
import { mapLimit, withTimeout } from './async-utils.ts';
import { clientOf, measureLoad, type DriverCheck, type LoadDriver, type LoadResult, type PhaseOptions } from './phase.ts';
import { keystrokesPerClient } from './schedule.ts';
import { roomUrl, type BenchServer, type RoomAccess, type Slot } from './servers.ts';
import { LatencyLog } from './stats.ts';
import { buildScript, readReceived, textLengthOf, WHOLE_STATE_REQUEST, type KeystrokeScript } from './wire.ts';

const CONNECT_CONCURRENCY = 50;
const CONNECT_TIMEOUT_MS = 30_000;
const STATE_TIMEOUT_MS = 15_000;

class LightClient {
  readonly sentAt: Float64Array;
  sent = 0;
  /** Keystrokes of the peer that arrived here. */
  received = 0;
  peer: LightClient = this;
  private wholeState: ((update: Uint8Array) => void) | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly script: KeystrokeScript,
    private readonly driver: LightDriver,
  ) {
    this.sentAt = new Float64Array(script.updates.length);
    ws.on('message', (data: Buffer) => this.onMessage(data));
  }

  static async connect(room: RoomAccess, slot: Slot, script: KeystrokeScript, driver: LightDriver): Promise<LightClient> {
    const ws = new WebSocket(roomUrl(room, slot), { perMessageDeflate: false });
    driver.sockets.push(ws);
    const client = new LightClient(ws, script, driver);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      CONNECT_TIMEOUT_MS,
      'light client connect',
    );
    ws.on('error', () => driver.errors++);
    ws.on('close', () => driver.closes++);
    return client;
  }

  type(keystroke: number): void {
    this.sentAt[keystroke] = performance.now();
    this.ws.send(this.script.updates[keystroke]!);
    this.ws.send(this.script.awareness[keystroke]!);
    this.sent += 1;
  }

  /** The server's whole document (answer to sync step 1 with an empty state vector). */
  fetchWholeState(): Promise<Uint8Array> {
    const answer = new Promise<Uint8Array>((resolve) => (this.wholeState = resolve));
    this.ws.send(WHOLE_STATE_REQUEST);
    return withTimeout(answer, STATE_TIMEOUT_MS, 'whole-state request');
  }

  private onMessage(data: Buffer): void {
    const now = performance.now();
    const message = readReceived(data);
    if (message.kind === 'update') {
      // The stock server also echoes a client's own updates back to it: not a delivery.
      if (message.client !== this.peer.script.clientId) return;
      const sentAt = this.peer.sentAt[message.clock] ?? 0;
      this.driver.latency.add(sentAt, now - sentAt);
      this.received += 1;
      this.driver.received += 1;
    } else if (message.kind === 'whole-state' && this.wholeState) {
      this.wholeState(message.update);
      this.wholeState = undefined;
    }
  }
}

class LightDriver implements LoadDriver {
  readonly latency = new LatencyLog();
  readonly pairs: [LightClient, LightClient][] = [];
  /** Every socket opened, connected or not, so all are closed at the end. */
  readonly sockets: WebSocket[] = [];
  received = 0;
  errors = 0;
  closes = 0;
  private sent = 0;

  get clients(): number {
    return this.pairs.length * 2;
  }

  type(client: number, keystroke: number): void {
    clientOf(this.pairs, client)?.type(keystroke);
    this.sent += 1;
  }

  delivered(): boolean {
    return this.received >= this.sent;
  }

  async check(): Promise<DriverCheck> {
    const lost = this.sent - this.received;
    let serverMissing = 0;
    let unanswered = 0;
    await mapLimit(this.pairs, CONNECT_CONCURRENCY, async ([a, b]) => {
      try {
        serverMissing += a.sent + b.sent - textLengthOf(await a.fetchWholeState());
      } catch {
        unanswered += 1;
      }
    });
    const notes: string[] = [];
    if (serverMissing > 0) notes.push(`server documents lack ${serverMissing} typed characters`);
    if (serverMissing < 0) notes.push(`server documents hold ${-serverMissing} characters more than were typed`);
    if (unanswered > 0) notes.push(`${unanswered} rooms did not answer the final whole-state request`);
    if (this.errors + this.closes > 0) notes.push(`${this.errors} socket errors, ${this.closes} closes`);
    return { lost, notes };
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}

export async function runLightLoad(server: BenchServer, rooms: number, options: PhaseOptions): Promise<LoadResult> {
  const count = keystrokesPerClient(options.rate, options.durationMs);
  const scripts = [buildScript(0, count), buildScript(1, count)] as const;
  const access = await server.createRooms(rooms);
  const driver = new LightDriver();
  try {
    await mapLimit(access, CONNECT_CONCURRENCY / 2, async (room) => {
      const pair = await Promise.all([0, 1].map((slot) => LightClient.connect(room, slot as Slot, scripts[slot as Slot], driver)));
      const [a, b] = pair as [LightClient, LightClient];
      a.peer = b;
      b.peer = a;
      driver.pairs.push([a, b]);
    });
    return await measureLoad(server, rooms, driver, options);
  } finally {
    driver.close();
  }
}
