// Two stock y-websocket clients in one room: concurrent edits converge, cursors (awareness)
// travel, and the room's language is in the shared meta map from the start.
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

async function pair(language?: string): Promise<{ roomId: string; candidateToken: string; a: YClient; b: YClient }> {
  const room = await createRoom(server.httpUrl, language ? { language } : {});
  const a = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Ines' });
  cleanup.add(() => a.destroy());
  const b = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken, { name: 'Cleo' });
  cleanup.add(() => b.destroy());
  return { roomId: room.roomId, candidateToken: room.candidateToken, a, b };
}

const serverText = (roomId: string) => server.app.registry.get(roomId)?.doc.getText('code').toString();

describe('two y-websocket clients', () => {
  test('concurrent inserts at the same place converge to the same text on both and on the server', async () => {
    const { roomId, a, b } = await pair();
    // Both edit before either can have received the other's edit.
    a.text.insert(0, 'alpha ');
    b.text.insert(0, 'beta ');
    await waitFor(() => a.text.toString() === b.text.toString() && a.text.length === 11, 10_000, () => `convergence: "${a.text}" vs "${b.text}"`);
    expect([`alpha beta `, `beta alpha `]).toContain(a.text.toString());
    expect(serverText(roomId)).toBe(a.text.toString());
  });

  test('interleaved bursts of typing from both sides converge', async () => {
    const { roomId, a, b } = await pair();
    a.text.insert(0, 'def f():\n    return 1\n');
    await waitFor(() => b.text.toString() === a.text.toString(), 10_000, 'the first edit reaching b');
    for (let i = 0; i < 30; i++) {
      a.text.insert(a.text.length, `a${i};`);
      b.text.insert(4, `b${i};`);
    }
    await waitFor(
      () => a.text.toString() === b.text.toString() && a.text.toString() === serverText(roomId) && /a29;/.test(b.text.toString()) && /b29;/.test(a.text.toString()),
      10_000,
      () => `convergence:\n a: ${JSON.stringify(a.text.toString())}\n b: ${JSON.stringify(b.text.toString())}`,
    );
    for (let i = 0; i < 30; i++) {
      expect(a.text.toString()).toContain(`a${i};`);
      expect(a.text.toString()).toContain(`b${i};`);
    }
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });

  test("one client's awareness (name and cursor) appears at the other, and vanishes when it leaves", async () => {
    const { a, b } = await pair();
    a.awareness.setLocalStateField('cursor', { anchor: 3, head: 7 });
    await waitFor(
      () => (b.awareness.getStates().get(a.doc.clientID) as { cursor?: unknown } | undefined)?.cursor !== undefined,
      10_000,
      "a's cursor at b",
    );
    expect(b.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: 'Ines' }, cursor: { anchor: 3, head: 7 } });
    await waitFor(() => a.awareness.getStates().has(b.doc.clientID), 10_000, "b's awareness at a");
    expect(a.awareness.getStates().get(b.doc.clientID)).toEqual({ user: { name: 'Cleo' } });

    a.awareness.setLocalStateField('cursor', { anchor: 0, head: 0 });
    await waitFor(
      () => JSON.stringify((b.awareness.getStates().get(a.doc.clientID) as { cursor?: unknown } | undefined)?.cursor) === '{"anchor":0,"head":0}',
      10_000,
      "a's moved cursor at b",
    );

    a.provider.disconnect();
    await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), 10_000, "a's awareness removed at b");
  });

  test('a cursor never arrives before the text it points into', async () => {
    const { a, b } = await pair();
    // At b, each of a's cursor positions is compared with how much of a's text b holds then.
    const ahead: number[] = [];
    let lastCursor = -1;
    b.awareness.on('change', () => {
      const cursor = (b.awareness.getStates().get(a.doc.clientID) as { cursor?: number } | undefined)?.cursor;
      if (cursor === undefined || cursor === lastCursor) return;
      lastCursor = cursor;
      if (b.text.length < cursor) ahead.push(cursor);
    });
    const keystrokes = 60;
    for (let i = 1; i <= keystrokes; i++) {
      // As an editor does: the character, then the caret after it, in the same moment.
      a.text.insert(i - 1, 'x');
      a.awareness.setLocalStateField('cursor', i);
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => lastCursor === keystrokes, 10_000, "a's last cursor at b");
    expect(ahead).toEqual([]);
  });

  test("meta.language is the room's language from creation; python by default", async () => {
    const sql = await pair('sql');
    expect(sql.a.doc.getMap('meta').get('language')).toBe('sql');
    expect(sql.b.doc.getMap('meta').get('language')).toBe('sql');

    const typescript = await pair('typescript');
    expect(typescript.b.doc.getMap('meta').get('language')).toBe('typescript');

    const plain = await pair();
    expect(plain.a.doc.getMap('meta').get('language')).toBe('python');
  });

  test('a client that joins later receives everything written before', async () => {
    const { roomId, candidateToken, a, b } = await pair();
    a.text.insert(0, 'print("hello")\n');
    b.text.insert(0, '# greeting\n');
    await waitFor(() => a.text.toString() === b.text.toString() && a.text.length > 20, 10_000, 'a and b converging');
    const late = await syncedYClient(server.wsUrl, roomId, candidateToken, { name: 'Late' });
    cleanup.add(() => late.destroy());
    expect(late.text.toString()).toBe(a.text.toString());
  });
});
