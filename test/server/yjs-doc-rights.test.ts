// The server decides who may change which part of the shared document. A candidate who has
// read our source writes to places the rules do not give them; each such update is refused
// (close code 4422), stored nowhere, relayed to nobody, and the room goes on.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import { YDOC, type CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, syncedYClient, yjsUrl, type YClient } from '../helpers/yjs-client.ts';

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

async function client(room: CreateRoomResponse, role: 'interviewer' | 'candidate', name = role): Promise<YClient> {
  const token = role === 'interviewer' ? room.interviewerToken : room.candidateToken;
  const yc = await syncedYClient(server.wsUrl, room.roomId, token, { name });
  cleanup.add(() => yc.destroy());
  return yc;
}

/** Waits for the server to close the client's connection; stops it from redialling. */
async function closedWith(yc: YClient): Promise<number> {
  await waitFor(() => yc.closeCodes.length > 0, 10_000, 'the server closing the connection');
  yc.provider.disconnect();
  return yc.closeCodes[0]!;
}

const serverDoc = (roomId: string) => server.app.registry.get(roomId)!.doc;

function rectangle(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id, type: 'rectangle', x: 0, y: 0, width: 10, height: 10, angle: 0, version: 1, versionNonce: 1, index: 'a0',
    isDeleted: false, strokeColor: '#000', backgroundColor: 'transparent', fillStyle: 'solid', strokeWidth: 1,
    strokeStyle: 'solid', roughness: 1, opacity: 100, seed: 1, groupIds: [], frameId: null, boundElements: null,
    roundness: null, updated: 1, link: null, locked: false, ...extra,
  };
}

async function useProblem(room: CreateRoomResponse, problemId: string): Promise<void> {
  const response = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/problems`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${room.interviewerToken}` },
    body: JSON.stringify({ problemId }),
  });
  expect(response.ok).toBe(true);
}

const FIRST_PROBLEM = () => [...server.app.bank.problems.values()].find((problem) => problem.tests?.kind === 'code')!.meta.id;

describe('refused changes from a candidate', () => {
  const forbidden: [string, (doc: Y.Doc) => void][] = [
    ['sets meta.activeProblem (over the server\'s entry: the item has no parent, only an origin)', (doc) => doc.getMap(YDOC.metaMap).set(YDOC.metaActiveProblemKey, 'a-problem-never-used')],
    ['deletes meta.activeProblem', (doc) => doc.getMap(YDOC.metaMap).delete(YDOC.metaActiveProblemKey)],
    ['adds a root type', (doc) => doc.getMap('notes').set('x', 'y')],
    ['creates a problem buffer the server never made', (doc) => doc.getText('code:not-used-here').insert(0, 'x')],
    ['sets an unknown meta key', (doc) => doc.getMap(YDOC.metaMap).set('theme', 'dark')],
    ['sets an unsupported language', (doc) => doc.getMap(YDOC.metaMap).set(YDOC.metaLanguageKey, 'cobol')],
    ['puts an iframe element on the whiteboard', (doc) => doc.getMap(YDOC.whiteboardMap).set('f1', rectangle('f1', { type: 'iframe' }))],
    ['puts an embeddable element on the whiteboard', (doc) => doc.getMap(YDOC.whiteboardMap).set('e1', rectangle('e1', { type: 'embeddable', link: 'https://example.com' }))],
    ['puts HTML in customData', (doc) => doc.getMap(YDOC.whiteboardMap).set('c1', rectangle('c1', { customData: { html: '<form>Session expired</form>' } }))],
    ['links an element to javascript:', (doc) => doc.getMap(YDOC.whiteboardMap).set('l1', rectangle('l1', { link: 'javascript:alert(1)' }))],
    ['stores an element under another id', (doc) => doc.getMap(YDOC.whiteboardMap).set('k1', rectangle('other'))],
    ['nests a shared type in the whiteboard', (doc) => doc.getMap(YDOC.whiteboardMap).set('n1', new Y.Map())],
    ['formats the code text', (doc) => doc.getText(YDOC.codeText).format(0, 1, { bold: true })],
    ['embeds an object in the code text', (doc) => doc.getText(YDOC.codeText).insertEmbed(0, { html: '<b>x</b>' })],
  ];

  for (const [what, change] of forbidden) {
    test(`a candidate who ${what} is refused; nothing reaches the interviewer or the store`, async () => {
      const room = await createRoom(server.httpUrl);
      await useProblem(room, FIRST_PROBLEM());
      const interviewer = await client(room, 'interviewer');
      interviewer.text.insert(0, 'seed\n');
      const candidate = await client(room, 'candidate');
      await waitFor(() => candidate.text.toString() === 'seed\n');
      const logBefore = (await server.app.store.readUpdateLog(room.roomId)).length;

      change(candidate.doc);
      expect(await closedWith(candidate)).toBe(WS_CLOSE.updateRefused);

      // The room goes on: the interviewer still edits and nothing of the refused change arrived.
      interviewer.text.insert(0, 'after ');
      await waitFor(() => serverDoc(room.roomId).getText(YDOC.codeText).toString() === 'after seed\n');
      const meta = interviewer.doc.getMap(YDOC.metaMap);
      expect(meta.get(YDOC.metaActiveProblemKey)).toBe(FIRST_PROBLEM());
      expect(interviewer.doc.getMap(YDOC.whiteboardMap).size).toBe(0);
      expect([...serverDoc(room.roomId).share.keys()].sort()).toEqual([YDOC.codeText, `${YDOC.codeText}:${FIRST_PROBLEM()}`, YDOC.metaMap]);
      // Not one struct of the candidate's reached the server or the interviewer.
      expect(serverDoc(room.roomId).store.clients.has(candidate.doc.clientID)).toBe(false);
      expect(interviewer.doc.store.clients.has(candidate.doc.clientID)).toBe(false);
      expect((await server.app.store.readUpdateLog(room.roomId)).length).toBe(logBefore + 1);
    });
  }

  test('allowed changes pass: code, a problem buffer, the language, a drawable element', async () => {
    const room = await createRoom(server.httpUrl);
    await useProblem(room, FIRST_PROBLEM());
    const interviewer = await client(room, 'interviewer');
    const candidate = await client(room, 'candidate');
    const buffer = `${YDOC.codeText}:${FIRST_PROBLEM()}`;
    await waitFor(() => candidate.doc.getText(buffer).length > 0);
    candidate.doc.transact(() => {
      candidate.text.insert(0, 'print(1)\n');
      candidate.doc.getText(buffer).insert(0, '# mine\n');
      candidate.doc.getMap(YDOC.metaMap).set(YDOC.metaLanguageKey, 'javascript');
      candidate.doc.getMap(YDOC.whiteboardMap).set('r1', rectangle('r1', { link: 'https://example.com/diagram' }));
    });
    candidate.text.delete(0, 2);
    candidate.doc.getMap(YDOC.whiteboardMap).delete('r1');
    await waitFor(
      () => interviewer.text.toString() === 'int(1)\n' && interviewer.doc.getMap(YDOC.metaMap).get(YDOC.metaLanguageKey) === 'javascript',
      10_000,
      () => `the interviewer to see the candidate's edits (candidate closed with ${candidate.closeCodes.join(', ') || 'nothing'})`,
    );
    expect(interviewer.doc.getText(buffer).toString().startsWith('# mine\n')).toBe(true);
    expect(candidate.closeCodes).toEqual([]);
  });
});

describe('updates that would leave the document incomplete', () => {
  test('an update depending on changes the server never saw is refused, not kept pending', async () => {
    const room = await createRoom(server.httpUrl);
    const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
    const doc = new Y.Doc();
    doc.getText(YDOC.codeText).insert(0, 'first');
    const vector = Y.encodeStateVector(doc);
    doc.getText(YDOC.codeText).insert(5, ' second');
    const onlySecond = Y.encodeStateAsUpdate(doc, vector);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, onlySecond);
    ws.send(encoding.toUint8Array(encoder));
    expect((await closeOf(ws)).code).toBe(WS_CLOSE.updateRefused);
    await waitFor(() => server.app.registry.get(room.roomId) === undefined);
    expect((await server.app.store.readUpdateLog(room.roomId)).length).toBe(1); // the room's creation
  });
});
