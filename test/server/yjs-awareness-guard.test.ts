// Cursors and names (awareness) belong to whoever first used a clientID: a candidate cannot
// speak for the interviewer's cursor, send huge states, or flood everyone with cursor moves.
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, syncedYClient, yjsUrl } from '../helpers/yjs-client.ts';

const AWARENESS_PER_SECOND = 5;
let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer({ AWARENESS_MAX_BYTES: '4096', AWARENESS_UPDATES_PER_SECOND: String(AWARENESS_PER_SECOND) });
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

/** One awareness frame holding `state` for `clientId` at `clock`. */
function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

async function roomWithInterviewerAndWatcher() {
  const room = await createRoom(server.httpUrl);
  const interviewer = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Ines Interviewer' });
  const watcher = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Cole Co-interviewer' });
  cleanup.add(() => interviewer.destroy());
  cleanup.add(() => watcher.destroy());
  const interviewerId = interviewer.doc.clientID;
  await waitFor(() => (watcher.awareness.getStates().get(interviewerId) as { user?: { name?: string } } | undefined)?.user?.name === 'Ines Interviewer');
  return { room, interviewer, watcher, interviewerId };
}

const nameOf = (awareness: awarenessProtocol.Awareness, clientId: number) =>
  (awareness.getStates().get(clientId) as { user?: { name?: string } } | undefined)?.user?.name;

test("a candidate's awareness for the interviewer's clientID is dropped; the label keeps the interviewer's words", async () => {
  const { room, watcher, interviewerId } = await roomWithInterviewerAndWatcher();
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  cleanup.add(() => ws.terminate());
  const candidateId = 424242;
  ws.send(awarenessFrame(interviewerId, 1_000_000, { user: { name: 'Interviewer: paste your link again' } }));
  ws.send(awarenessFrame(interviewerId, 1_000_001, null)); // and try to remove the real cursor
  // Its own clientID is fine, and shows that everything before it was processed.
  ws.send(awarenessFrame(candidateId, 1, { user: { name: 'Cara Candidate' } }));
  await waitFor(() => nameOf(watcher.awareness, candidateId) === 'Cara Candidate');
  expect(nameOf(watcher.awareness, interviewerId)).toBe('Ines Interviewer');
});

test('an awareness state over AWARENESS_MAX_BYTES closes that connection (4413) and reaches nobody', async () => {
  const { room, watcher } = await roomWithInterviewerAndWatcher();
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  const huge = 777_001;
  ws.send(awarenessFrame(huge, 1, { user: { name: 'x'.repeat(8000) } }));
  expect((await closeOf(ws)).code).toBe(WS_CLOSE.limitExceeded);
  expect(watcher.awareness.getStates().has(huge)).toBe(false);
});

test("when a connection closes, its cursors leave everyone's screen", async () => {
  const { room, watcher } = await roomWithInterviewerAndWatcher();
  const candidate = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken, { name: 'Cara' });
  await waitFor(() => nameOf(watcher.awareness, candidate.doc.clientID) === 'Cara');
  candidate.provider.ws?.close();
  candidate.provider.disconnect();
  await waitFor(() => !watcher.awareness.getStates().has(candidate.doc.clientID));
  candidate.destroy();
});

test('a flood of cursor moves is coalesced: others get a bounded number, ending with the latest state', async () => {
  const { room, watcher } = await roomWithInterviewerAndWatcher();
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  cleanup.add(() => ws.terminate());
  const id = 31337;
  let received = 0;
  const count = ({ updated, added }: { updated: number[]; added: number[] }) => {
    if (updated.includes(id) || added.includes(id)) received += 1;
  };
  watcher.awareness.on('change', count);
  const startedAt = performance.now();
  const moves = 500;
  for (let clock = 1; clock <= moves; clock += 1) ws.send(awarenessFrame(id, clock, { user: { name: 'Cara' }, cursor: clock }));
  await waitFor(() => (watcher.awareness.getStates().get(id) as { cursor?: number } | undefined)?.cursor === moves);
  const seconds = (performance.now() - startedAt) / 1000;
  watcher.awareness.off('change', count);
  // At most one per interval plus the first, whatever the machine's speed.
  expect(received).toBeLessThanOrEqual(Math.ceil(seconds * AWARENESS_PER_SECOND) + 2);
  expect(received).toBeLessThan(moves / 10);
});

test('a candidate cannot write document structs with the interviewer\'s clientID', async () => {
  const { room, interviewer } = await roomWithInterviewerAndWatcher();
  interviewer.text.insert(0, 'mine');
  await waitFor(() => server.app.registry.get(room.roomId)!.doc.getText('code').toString() === 'mine');
  // A doc that continues the interviewer's clock under their clientID.
  const forger = new Y.Doc();
  Y.applyUpdate(forger, Y.encodeStateAsUpdate(server.app.registry.get(room.roomId)!.doc));
  // Set after loading: Yjs gives a doc a new id when a remote update carries its own.
  forger.clientID = interviewer.doc.clientID;
  const vector = Y.encodeStateVector(forger);
  forger.getText('code').insert(4, ' (signed: interviewer)');
  const update = Y.encodeStateAsUpdate(forger, vector);
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 0);
  encoding.writeVarUint(frame, 2);
  encoding.writeVarUint8Array(frame, update);
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  ws.send(encoding.toUint8Array(frame));
  expect((await closeOf(ws)).code).toBe(WS_CLOSE.updateRefused);
  expect(server.app.registry.get(room.roomId)!.doc.getText('code').toString()).toBe('mine');
});
