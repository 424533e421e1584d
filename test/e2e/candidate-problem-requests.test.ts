// The candidate's page after the bank was closed to candidate links: it reads the problem on
// screen through its room, is never refused by the API, and says how many hidden tests there
// are without naming them.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTwoBrowserRoom, type TwoBrowserRoom } from '../helpers/browser.ts';
import { CHROMIUM, requireProgram } from '../helpers/system.ts';

const ready = requireProgram(CHROMIUM);

describe.skipIf(!ready)("the candidate's page and the problem API", () => {
  let fixture: TwoBrowserRoom;
  beforeAll(async () => {
    fixture = await openTwoBrowserRoom({ title: 'Bank access', names: ['Ines', 'Cleo'] });
  });
  afterAll(async () => fixture?.close());

  test('shows the problem in use, with hidden tests counted, and no API call is refused', async () => {
    const { candidate, server, room } = fixture;
    const refused: string[] = [];
    const asked: string[] = [];
    candidate.page.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/api/')) return;
      asked.push(url.pathname);
      if (response.status() >= 400) refused.push(`${response.status()} ${url.pathname}`);
    });
    await candidate.page.reload(); // every request of the page from its start is seen

    const used = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/problems`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.interviewerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ problemId: 'ndcg-at-k' }),
    });
    expect(used.status).toBe(201);

    const statement = candidate.page.getByTestId('problem-statement');
    await expect.poll(() => statement.innerText()).toContain('Mean NDCG@k over search queries');
    await expect.poll(() => candidate.page.getByTestId('hidden-test-count').innerText()).toMatch(/^11 more hidden tests/);
    expect(await statement.innerText()).not.toContain('k = 0 raises ValueError');
    expect(asked).toContain(`/api/rooms/${room.roomId}/problems/ndcg-at-k`);
    expect(asked.filter((p) => p.startsWith('/api/problems'))).toEqual([]);
    expect(refused).toEqual([]);
  });
});
