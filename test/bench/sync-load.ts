// Initial sync of a large document: time from creating a WebsocketProvider to its first
// 'sync' event, over fresh connections one after another.
//   warm: another client stays in the room, so the document is loaded on both servers;
//   cold: the room is otherwise empty between connections, so ours unloads the document
//         and reloads it from SQLite each time (stock keeps every document in memory).
// The document is built the way people build one: thousands of small edits at scattered
// positions (inserts of a line, some deletions), not one big paste.
import * as Y from 'yjs';
import { sleep } from './async-utils.ts';
import { codeText } from './keystrokes.ts';
import { closeProvider, openProvider, whenSynced } from './providers.ts';
import type { BenchServer, RoomAccess, ServerKind } from './servers.ts';
import { summarize, type Summary } from './stats.ts';

const SYNC_TIMEOUT_MS = 30_000;
const SEED_CONFIRM_ATTEMPTS = 60;
const PAUSE_BETWEEN_CONNECTIONS_MS = 100;

export interface SyncOptions {
  connections: number;
  docKb: number;
}

export interface SyncResult {
  server: ServerKind;
  textChars: number;
  stateBytes: number;
  edits: number;
  warm: Summary;
  cold: Summary;
  failures: number;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Edits `text` in separate transactions (one update each) until it holds `chars` characters. */
function writeDocument(text: Y.Text, chars: number): number {
  const next = random(42);
  let edits = 0;
  while (text.length < chars && edits < 1_000_000) {
    const at = Math.floor(next() * (text.length + 1));
    if (next() < 0.1 && text.length > 40) {
      text.delete(Math.min(at, text.length - 20), 20);
    } else {
      const n = edits.toString(36);
      text.insert(at, `    value_${n} = compute(${n}, items)  # step\n`);
    }
    edits += 1;
  }
  return edits;
}

/** Connects a fresh provider and returns ms until it synced, or undefined on failure/mismatch. */
async function timeOneSync(room: RoomAccess, expectedChars: number): Promise<number | undefined> {
  const start = performance.now();
  const provider = openProvider(room, 1);
  try {
    await whenSynced(provider, SYNC_TIMEOUT_MS);
    const ms = performance.now() - start;
    return codeText(provider.doc).length === expectedChars ? ms : undefined;
  } catch {
    return undefined;
  } finally {
    closeProvider(provider);
  }
}

async function timeSyncs(room: RoomAccess, expectedChars: number, count: number): Promise<{ times: number[]; failures: number }> {
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < count; i++) {
    const ms = await timeOneSync(room, expectedChars);
    if (ms === undefined) failures += 1;
    else times.push(ms);
    await sleep(PAUSE_BETWEEN_CONNECTIONS_MS);
  }
  return { times, failures };
}

export async function runSyncLoad(server: BenchServer, options: SyncOptions): Promise<SyncResult> {
  const [room] = await server.createRooms(1);
  if (!room) throw new Error('no room created');
  const seeder = openProvider(room, 0);
  let seederOpen = true;
  try {
    await whenSynced(seeder, SYNC_TIMEOUT_MS);
    const text = codeText(seeder.doc);
    const edits = writeDocument(text, options.docKb * 1024);
    const textChars = text.length;
    const stateBytes = Y.encodeStateAsUpdate(seeder.doc).length;

    // The server has every edit once a fresh client receives all of it.
    let confirmed = false;
    for (let attempt = 0; attempt < SEED_CONFIRM_ATTEMPTS && !confirmed; attempt++) {
      confirmed = (await timeOneSync(room, textChars)) !== undefined;
      if (!confirmed) await sleep(500);
    }
    if (!confirmed) throw new Error(`${server.kind}: the seeded ${options.docKb} KB document never reached the server`);

    const warm = await timeSyncs(room, textChars, options.connections);
    closeProvider(seeder);
    seederOpen = false;
    await sleep(1_000); // let ours unload the idle document
    const cold = await timeSyncs(room, textChars, options.connections);
    return {
      server: server.kind,
      textChars,
      stateBytes,
      edits,
      warm: summarize(warm.times),
      cold: summarize(cold.times),
      failures: warm.failures + cold.failures,
    };
  } finally {
    if (seederOpen) closeProvider(seeder);
  }
}
