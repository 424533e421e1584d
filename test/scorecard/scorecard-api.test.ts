// The scorecard and room-control contract: interviewer only, drafts lock on submit (409 after),
// amendments append, co-interviewers see each other's cards only after submitting their own,
// ending the interview and re-issuing the candidate link cut the old candidate off.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import WebSocket from 'ws';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { syncedYClient } from '../helpers/yjs-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function call(path: string, token: string, method = 'GET', body?: unknown) {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const scored = { scores: { 'ndcg-at-k': 3 }, practical: { status: 'passed', criteria: {} } };

describe('scorecards', () => {
  test('a candidate token gets 403 from every scorecard route', async () => {
    const room = await createRoom(server.httpUrl);
    const base = `/api/rooms/${room.roomId}`;
    for (const [path, method, body] of [
      [`${base}/scorecard`, 'GET'],
      [`${base}/scorecard`, 'PUT', scored],
      [`${base}/scorecard/submit`, 'POST'],
      [`${base}/scorecard/amendments`, 'POST', { text: 'later thought' }],
      [`${base}/scorecards`, 'GET'],
    ] as const) {
      const response = await call(path, room.candidateToken, method, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.id).toBe('forbidden');
    }
  });

  test('draft, submit, 409 on a later PUT, amendments append and the submitted card stays', async () => {
    const room = await createRoom(server.httpUrl);
    const base = `/api/rooms/${room.roomId}`;
    expect((await call(`${base}/scorecard/submit`, room.interviewerToken, 'POST')).status).toBe(400);
    const saved = await call(`${base}/scorecard`, room.interviewerToken, 'PUT', scored);
    expect(saved.status).toBe(200);
    expect(saved.body.scorecard.recommendation.verdict).toBe('hire');
    expect((await call(`${base}/scorecard/submit`, room.interviewerToken, 'POST')).body.scorecard.submittedAt).toEqual(expect.any(String));
    const late = await call(`${base}/scorecard`, room.interviewerToken, 'PUT', { scores: { 'ndcg-at-k': 1 } });
    expect(late.status).toBe(409);
    expect(late.body.error.id).toBe('conflict');
    expect((await call(`${base}/scorecard/submit`, room.interviewerToken, 'POST')).status).toBe(409);
    const amended = await call(`${base}/scorecard/amendments`, room.interviewerToken, 'POST', { text: 'Checked the take-home: strong.' });
    expect(amended.status).toBe(201);
    const card = (await call(`${base}/scorecard`, room.interviewerToken)).body.scorecard;
    expect(card.draft.scores).toEqual({ 'ndcg-at-k': 3 });
    expect(card.amendments.map((a: { text: string }) => a.text)).toEqual(['Checked the take-home: strong.']);
  });

  test('bad drafts are refused with a message naming the problem', async () => {
    const room = await createRoom(server.httpUrl);
    const put = (body: unknown) => call(`/api/rooms/${room.roomId}/scorecard`, room.interviewerToken, 'PUT', body);
    expect((await put({ scores: { 'ndcg-at-k': 5 } })).body.error.message).toContain('scores.ndcg-at-k');
    expect((await put({ scores: { 'no-such-problem': 2 } })).body.error.message).toContain('no-such-problem');
    expect((await put({ redFlags: ['made-up-flag'] })).body.error.message).toContain('made-up-flag');
    expect((await put({ surprise: true })).status).toBe(400);
  });

  test("co-interviewers see each other's cards only after submitting their own", async () => {
    const room = await createRoom(server.httpUrl);
    const base = `/api/rooms/${room.roomId}`;
    const minted = await call(`${base}/interviewers`, room.interviewerToken, 'POST');
    expect(minted.status).toBe(201);
    const second = minted.body.interviewerToken as string;
    expect(minted.body.interviewerUrl).toContain(`#t=${second}`);

    await call(`${base}/scorecard`, room.interviewerToken, 'PUT', scored);
    await call(`${base}/scorecard/submit`, room.interviewerToken, 'POST');
    await call(`${base}/scorecard`, second, 'PUT', { scores: { 'ndcg-at-k': 2 } });
    // The second interviewer has not submitted: the first one's card stays hidden.
    expect((await call(`${base}/scorecards`, second)).status).toBe(403);
    expect((await call(`${base}/scorecard`, second)).body.scorecard.draft.scores).toEqual({ 'ndcg-at-k': 2 });
    const panel = await call(`${base}/scorecards`, room.interviewerToken);
    expect(panel.status).toBe(200);
    expect(panel.body.scorecards).toHaveLength(2);
  });

  test('ending the interview closes the candidate out; interviewers keep the room', async () => {
    const room = await createRoom(server.httpUrl);
    const base = `/api/rooms/${room.roomId}`;
    const ws = new WebSocket(`${server.wsUrl}/yjs/${room.roomId}?token=${room.candidateToken}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    expect((await call(`${base}/end`, room.interviewerToken, 'POST')).status).toBe(200);
    expect(await closed).toBe(4403);
    const refused = await call(base, room.candidateToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error.id).toBe('room_ended');
    expect((await call(base, room.interviewerToken)).body.endedAt).toEqual(expect.any(String));
  });

  test('a re-issued candidate link works and the old one stops', async () => {
    const room = await createRoom(server.httpUrl);
    const base = `/api/rooms/${room.roomId}`;
    const reissued = await call(`${base}/candidate-link`, room.interviewerToken, 'POST');
    expect(reissued.status).toBe(201);
    expect((await call(base, room.candidateToken)).status).toBe(401);
    expect((await call(base, reissued.body.candidateToken)).body.role).toBe('candidate');
  });

  test('the report is interviewer-only and comes as JSON, Markdown and HTML', async () => {
    const room = await createRoom(server.httpUrl, { title: 'Report <drill>' });
    const base = `/api/rooms/${room.roomId}`;
    await call(`${base}/problems`, room.interviewerToken, 'POST', { problemId: 'ndcg-at-k' });
    await call(`${base}/scorecard`, room.interviewerToken, 'PUT', {
      ...scored,
      notes: [{ id: 'n1', problemId: 'ndcg-at-k', text: 'Handled ties well', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), evidence: { kind: 'run', runId: 'r-1' } }],
    });
    expect((await call(`${base}/report`, room.candidateToken)).status).toBe(403);
    const json = await call(`${base}/report?format=json`, room.interviewerToken);
    expect(json.body.problems.map((p: { id: string }) => p.id)).toEqual(['ndcg-at-k']);
    expect(json.body.code[0].text).toContain('def ndcg_at_k');
    const html = await fetch(`${server.httpUrl}${base}/report?format=html`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    const page = await html.text();
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(page).toContain('Report &lt;drill&gt;');
    expect(page).toContain('Handled ties well');
    expect(page).toContain('run r-1');
    const md = await fetch(`${server.httpUrl}${base}/report?format=md`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(await md.text()).toContain('**Recommendation: Hire**');
    expect((await call(`${base}/report?format=pdf`, room.interviewerToken)).status).toBe(400);
  });
});

describe('an ended interview', () => {
  test('is read-only history: edits sent after the end are neither stored nor relayed', async () => {
    const room = await createRoom(server.httpUrl);
    const writer = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Ines' });
    const reader = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Ivo' });
    writer.doc.getText('code').insert(0, 'before the end');
    await expect.poll(() => reader.doc.getText('code').toString()).toBe('before the end');
    const logged = (await server.app.store.readUpdateLog(room.roomId)).length;

    expect((await call(`/api/rooms/${room.roomId}/end`, room.interviewerToken, 'POST')).status).toBe(200);
    await expect.poll(() => [...(server.app.registry.get(room.roomId)?.connections ?? [])].every((c) => c.readOnly)).toBe(true);
    writer.doc.getText('code').insert(0, 'after the end: ');
    // The edit is refused (4422, so the client drops it instead of resending it on every
    // reconnect): once the writer is closed, the server has handled it.
    await expect.poll(() => writer.closeCodes).toContain(WS_CLOSE.updateRefused);
    writer.provider.disconnect();
    expect(reader.doc.getText('code').toString()).toBe('before the end');
    const fresh = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Later' });
    expect(fresh.doc.getText('code').toString()).toBe('before the end');
    expect((await server.app.store.readUpdateLog(room.roomId)).length).toBe(logged);
    for (const client of [writer, reader, fresh]) client.destroy();
  });
});

describe("the whiteboard's rendering in the report", () => {
  test('an interviewer stores it, the report shows it as an image, candidates and non-SVG bodies are refused', async () => {
    const room = await createRoom(server.httpUrl);
    const put = (token: string, body: string, type = 'image/svg+xml') =>
      fetch(`${server.httpUrl}/api/rooms/${room.roomId}/whiteboard.svg`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/><script>alert(1)</script></svg>';
    expect((await put(room.candidateToken, svg)).status).toBe(403);
    expect((await put(room.interviewerToken, 'not an svg')).status).toBe(400);
    expect((await put(room.interviewerToken, svg, 'text/plain')).status).toBe(400);
    expect((await put(room.interviewerToken, svg)).status).toBe(204);
    const html = await (await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/report?format=html`, { headers: { authorization: `Bearer ${room.interviewerToken}` } })).text();
    // Embedded as an <img>, where scripts inside the SVG never run.
    expect(html).toContain(`src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"`);
    expect(html).not.toContain('<script>');
  });
});
