// Every update is logged with who made it and when; snapshots are written beside the log,
// never instead of it, so the log alone replays the document.
import * as Y from 'yjs';
import { afterEach, expect, test } from 'vitest';
import type { LoggedUpdate } from '../../server/persistence/store.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function server(dataDir: string): Promise<TestServer> {
  const started = await startTestServer({ DATA_DIR: dataDir, SNAPSHOT_EVERY_UPDATES: '5' });
  let closed = false;
  const close = started.close;
  started.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanup.add(() => started.close());
  return started;
}

async function client(srv: TestServer, roomId: string, token: string, name?: string): Promise<YClient> {
  const yclient = await syncedYClient(srv.wsUrl, roomId, token, { name });
  cleanup.add(() => yclient.destroy());
  return yclient;
}

/** Waits until `from`'s awareness has reached `to` through the server, so the server knows its name. */
async function nameKnown(from: YClient, to: YClient): Promise<void> {
  await waitFor(() => to.awareness.getStates().has(from.doc.clientID), 10_000, 'awareness crossing the server');
}

function replay(log: LoggedUpdate[]): string {
  const doc = new Y.Doc();
  for (const entry of log) Y.applyUpdate(doc, entry.update);
  const text = doc.getText('code').toString();
  doc.destroy();
  return text;
}

test('log entries name the role and awareness name of their author, in time order, and survive snapshots', async () => {
  const dataDir = tempDataDir();
  const first = await server(dataDir);
  const startedAtMs = Date.now();
  const room = await createRoom(first.httpUrl, { language: 'python' });
  const interviewer = await client(first, room.roomId, room.interviewerToken, 'Ines');
  const candidate = await client(first, room.roomId, room.candidateToken, 'Cleo');
  await nameKnown(interviewer, candidate);
  await nameKnown(candidate, interviewer);

  // 12 edits, each acknowledged (relayed to the other side) before the next.
  const edits: [YClient, YClient, string][] = [];
  for (let i = 0; i < 6; i++) edits.push([interviewer, candidate, `i${i};`], [candidate, interviewer, `c${i};`]);
  for (const [author, other, inserted] of edits) {
    author.text.insert(author.text.length, inserted);
    await waitFor(() => other.text.toString().endsWith(inserted), 10_000, `${inserted} relayed`);
  }
  const text = interviewer.text.toString();
  expect(text).toBe('i0;c0;i1;c1;i2;c2;i3;c3;i4;c4;i5;c5;');

  // SNAPSHOT_EVERY_UPDATES=5 and 12 edits: a snapshot exists...
  await waitFor(async () => (await first.app.store.loadDocState(room.roomId)).snapshot !== undefined, 10_000, 'a snapshot');
  const state = await first.app.store.loadDocState(room.roomId);
  expect(state.snapshot!.uptoSeq).toBeGreaterThan(0);

  // ...and the log still has every entry: the room's initial state plus one per edit.
  const log = await first.app.store.readUpdateLog(room.roomId);
  expect(log.map((entry) => entry.actor)).toEqual(['server', ...Array.from({ length: 6 }, () => ['interviewer:Ines', 'candidate:Cleo']).flat()]);
  for (let i = 1; i < log.length; i++) {
    expect(log[i]!.seq).toBeGreaterThan(log[i - 1]!.seq);
    expect(log[i]!.createdAtMs).toBeGreaterThanOrEqual(log[i - 1]!.createdAtMs);
  }
  // Wall-clock milliseconds of when each update arrived.
  expect(log[0]!.createdAtMs).toBeGreaterThanOrEqual(startedAtMs);
  expect(log.at(-1)!.createdAtMs).toBeLessThanOrEqual(Date.now());
  // The log alone replays the document, snapshot or not.
  expect(replay(log)).toBe(text);

  // A reload (a new server on the same data) gives the same text from snapshot + log.
  interviewer.destroy();
  candidate.destroy();
  await first.close();
  const second = await server(dataDir);
  const reloaded = await client(second, room.roomId, room.candidateToken, 'Later');
  expect(reloaded.text.toString()).toBe(text);
  const logAfter = await second.app.store.readUpdateLog(room.roomId);
  expect(logAfter.map((entry) => entry.seq)).toEqual(log.map((entry) => entry.seq));

  // Edits after the reload keep being logged after the snapshot.
  reloaded.text.insert(0, '#');
  await waitFor(async () => (await second.app.store.readUpdateLog(room.roomId)).length === log.length + 1, 10_000, 'the next edit logged');
  expect((await second.app.store.readUpdateLog(room.roomId)).at(-1)!.actor).toBe('candidate:Later');
});

test('an author without an awareness name is logged by role alone', async () => {
  const srv = await server(tempDataDir());
  const room = await createRoom(srv.httpUrl);
  const anonymous = await client(srv, room.roomId, room.interviewerToken);
  anonymous.text.insert(0, 'x');
  await waitFor(async () => (await srv.app.store.readUpdateLog(room.roomId)).length === 2, 10_000, 'the edit logged');
  expect((await srv.app.store.readUpdateLog(room.roomId)).map((entry) => entry.actor)).toEqual(['server', 'interviewer']);
});
