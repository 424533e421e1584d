// Updates crafted by hand, as a candidate who read Yjs's source would send them. Each is
// refused (4422) without touching the document, and the server keeps serving everyone.
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import * as encoding from 'lib0/encoding';
import { WS_CLOSE } from '../../shared/errors.ts';
import { YDOC } from '../../shared/room.ts';
import { rawUpdate, syncUpdateFrame } from '../helpers/raw-update.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, syncedYClient, yjsUrl, type YClient } from '../helpers/yjs-client.ts';

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer({ AWARENESS_UPDATES_PER_SECOND: '2' });
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

async function setup() {
  const room = await createRoom(server.httpUrl);
  const interviewer = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Ines' });
  cleanup.add(() => interviewer.destroy());
  const candidate = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken, { name: 'Cara' });
  cleanup.add(() => candidate.destroy());
  const doc = () => server.app.registry.get(room.roomId)!.doc;
  return { room, interviewer, candidate, doc };
}

/** Sends one frame on the candidate's own provider socket and returns the close code. */
async function sendAsCandidate(candidate: YClient, frame: Uint8Array): Promise<number> {
  candidate.provider.ws!.send(frame);
  await waitFor(() => candidate.closeCodes.length > 0, 10_000, 'the server closing the candidate');
  candidate.provider.disconnect();
  return candidate.closeCodes[0]!;
}

const healthy = async () => (await fetch(`${server.httpUrl}/healthz`)).status === 200;

test('an item pointing at a later item of its own client is refused before anything is applied', async () => {
  const { candidate, doc, interviewer } = await setup();
  candidate.text.insert(0, 'hello');
  await waitFor(() => doc().getText(YDOC.codeText).toString() === 'hello');
  const me = candidate.doc.clientID;
  const state = Y.getState(candidate.doc.store, me);
  const update = rawUpdate(me, [
    { clock: state, text: '!', origin: { client: me, clock: state - 1 } },
    { clock: state + 1, text: 'B', origin: { client: me, clock: state + 2 } },
    { clock: state + 2, text: 'D', parentRoot: YDOC.codeText },
  ]);
  expect(await sendAsCandidate(candidate, syncUpdateFrame(update))).toBe(WS_CLOSE.updateRefused);
  expect(doc().getText(YDOC.codeText).toString()).toBe('hello');
  expect(interviewer.text.toString()).toBe('hello');
  expect(await healthy()).toBe(true);
});

test('the tail of a partly known struct cannot continue in another part of the document', async () => {
  const { candidate, doc } = await setup();
  candidate.doc.getMap(YDOC.metaMap).set(YDOC.metaLanguageKey, 'javascript');
  await waitFor(() => doc().getMap(YDOC.metaMap).get(YDOC.metaLanguageKey) === 'javascript');
  const me = candidate.doc.clientID;
  const state = Y.getState(candidate.doc.store, me);
  // Starts at the language entry's clock: Yjs would hang the unknown "z" after that entry.
  const update = rawUpdate(me, [{ clock: state - 1, text: 'Qz', parentRoot: YDOC.codeText }]);
  expect(await sendAsCandidate(candidate, syncUpdateFrame(update))).toBe(WS_CLOSE.updateRefused);
  expect(doc().getMap(YDOC.metaMap).get(YDOC.metaLanguageKey)).toBe('javascript');
  expect(doc().getText(YDOC.codeText).toString()).toBe('');
});

test('a delete set of overlapping ranges is refused (it cost a minute of CPU per 80 KB)', async () => {
  const { candidate, doc } = await setup();
  candidate.text.insert(0, 'abc');
  await waitFor(() => doc().getText(YDOC.codeText).toString() === 'abc');
  const me = candidate.doc.clientID;
  const ranges = Array.from({ length: 50 }, (): [number, number, number] => [me, 0, 3]);
  expect(await sendAsCandidate(candidate, syncUpdateFrame(rawUpdate(me, [], ranges)))).toBe(WS_CLOSE.updateRefused);
  expect(doc().getText(YDOC.codeText).toString()).toBe('abc');
});

function awarenessFrame(entries: [clientId: number, clock: number, json: string][]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const [clientId, clock, json] of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, json);
  }
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

test('awareness that is not JSON is refused when it arrives, even right behind a valid one (it used to end the process)', async () => {
  const { room } = await setup();
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  ws.send(awarenessFrame([[5150, 1, '{"user":{"name":"a"}}']]));
  ws.send(awarenessFrame([[5150, 2, '{not json']]));
  expect((await closeOf(ws)).code).toBe(WS_CLOSE.invalidMessage);
  await new Promise((resolve) => setTimeout(resolve, 700)); // past the held entry's turn
  expect(await healthy()).toBe(true);
});

test('one awareness frame cannot bring in more than a few clientIDs', async () => {
  const { room, interviewer } = await setup();
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  cleanup.add(() => ws.terminate());
  const fakes = Array.from({ length: 100 }, (_, i): [number, number, string] => [900_000 + i, 1, '{"user":{"name":"Interviewer"}}']);
  ws.send(awarenessFrame(fakes));
  await waitFor(() => [...interviewer.awareness.getStates().keys()].some((id) => id >= 900_000 && id < 900_100));
  await new Promise((resolve) => setTimeout(resolve, 700));
  const arrived = [...interviewer.awareness.getStates().keys()].filter((id) => id >= 900_000 && id < 900_100);
  expect(arrived.length).toBeLessThanOrEqual(4);
});
