// An honest browser whose local copy holds a change the server refuses (here planted in its
// IndexedDB, as an old tab or a bug could leave it) recovers: it drops the local copy, syncs
// afresh, says so once, and goes on editing, instead of resending the change for ever.
import path from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { YDOC } from '../../shared/room.ts';
import { editorText, openTwoBrowserRoom, type TwoBrowserRoom } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/server.ts';
import { CHROMIUM, requireProgram } from '../helpers/system.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe.skipIf(!requireProgram(CHROMIUM))('a browser holding a refused change', () => {
  let session: TwoBrowserRoom;

  beforeAll(async () => {
    session = await openTwoBrowserRoom({ title: 'Recovery drill', names: ['Ines', 'Cleo'] });
  });

  afterAll(async () => {
    await session?.close();
  });

  test('drops its local copy, resyncs, and keeps editing', async () => {
    const { server, room, candidate, interviewer } = session;
    const forged = new Y.Doc();
    forged.getMap(YDOC.metaMap).set('theme', 'a key the rules do not allow');
    const update = [...Y.encodeStateAsUpdate(forged)];
    let yjsSockets = 0;
    candidate.page.on('websocket', (socket) => {
      if (socket.url().includes('/yjs/')) yjsSockets += 1;
    });
    await candidate.page.evaluate(
      ({ name, bytes }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const write = db.transaction('updates', 'readwrite');
            write.objectStore('updates').add(new Uint8Array(bytes));
            write.oncomplete = () => {
              db.close();
              resolve();
            };
            write.onerror = () => reject(write.error);
          };
        }),
      { name: `interview-room:${room.roomId}`, bytes: update },
    );
    await candidate.page.reload();
    await candidate.page.locator('.resync-notice').waitFor();
    await candidate.page.locator('[data-status="connected"]').waitFor();
    await candidate.page.screenshot({ path: path.join(REPO_ROOT, 'test/artifacts/refused-change-recovery.png') });

    await candidate.page.locator('.monaco-editor .view-lines').click();
    await candidate.page.keyboard.type('print("still here")');
    await waitFor(async () => (await editorText(interviewer.page)).includes('print("still here")'), 15_000, 'the edit after recovery');
    const socketsAfterRecovery = yjsSockets;

    // The planted change is gone for good: a reload neither shows the notice nor redials.
    await candidate.page.reload();
    await candidate.page.locator('[data-status="connected"]').waitFor();
    expect(await candidate.page.locator('.resync-notice').count()).toBe(0);
    expect(yjsSockets).toBe(socketsAfterRecovery + 1);
    const doc = server.app.registry.get(room.roomId)!.doc;
    expect(doc.getMap(YDOC.metaMap).has('theme')).toBe(false);
    expect(doc.getText(YDOC.codeText).toString()).toContain('print("still here")');
  });
});
