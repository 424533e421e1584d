// When the interviewer ends the interview, the candidate's open page says so and stops
// trying to reconnect, instead of showing "reconnecting" for ever.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTwoBrowserRoom, type TwoBrowserRoom } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/server.ts';
import { CHROMIUM, requireProgram } from '../helpers/system.ts';

/** Counts the document WebSockets a page opens from now on. */
function countYjsSockets(page: Page): () => number {
  let opened = 0;
  page.on('websocket', (socket) => {
    if (socket.url().includes('/yjs/')) opened += 1;
  });
  return () => opened;
}

describe.skipIf(!requireProgram(CHROMIUM))('the candidate when the interview ends', () => {
  let session: TwoBrowserRoom;

  beforeAll(async () => {
    session = await openTwoBrowserRoom({ title: 'Ending drill', names: ['Ines', 'Cleo'] });
  });

  afterAll(async () => {
    await session?.close();
  });

  test('the page says the interview has ended and stops reconnecting', async () => {
    const { server, room, candidate, interviewer } = session;
    const ended = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.interviewerToken}` },
    });
    expect(ended.status).toBe(200);

    const notice = candidate.page.getByTestId('access-ended');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('This interview has ended');
    await candidate.page.screenshot({ path: path.join(REPO_ROOT, 'test/artifacts/access-ended-candidate.png') });

    // A stopped provider opens no more sockets (a redialling one tries within a second or two).
    const opened = countYjsSockets(candidate.page);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(opened()).toBe(0);
    // The interviewer stays in the room, which is now history.
    expect(await interviewer.page.getByTestId('access-ended').count()).toBe(0);
    expect(await interviewer.page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected');
  });
});
