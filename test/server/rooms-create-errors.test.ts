// POST /api/rooms with bad input: every refusal is a 4xx with { error: { id, message } },
// names the problem, leaks no stack trace, and leaves the server answering.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface ErrorAnswer {
  status: number;
  body: { error: { id: string; message: string } };
  raw: string;
}

async function post(body: string, contentType: string | undefined): Promise<ErrorAnswer> {
  const response = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    body,
  });
  const raw = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: JSON.parse(raw) as ErrorAnswer['body'], raw };
}

/** The error contract: exactly { error: { id, message } }, a readable message, no internals. */
function expectErrorBody(answer: ErrorAnswer, id: string): void {
  expect(Object.keys(answer.body)).toEqual(['error']);
  expect(Object.keys(answer.body.error).sort()).toEqual(['id', 'message']);
  expect(answer.body.error.id).toBe(id);
  expect(answer.body.error.message.length).toBeGreaterThan(0);
  expect(answer.raw).not.toMatch(/\bat .+:\d+:\d+/); // stack frame
  expect(answer.raw).not.toMatch(/node_modules|\/server\/|Error:/);
}

describe('POST /api/rooms refuses bad input', () => {
  test('malformed JSON: 400 bad_request', async () => {
    const answer = await post('{"title": "unterminated', 'application/json');
    expect(answer.status).toBe(400);
    expectErrorBody(answer, 'bad_request');
  });

  test('an unknown field: 400 naming the field', async () => {
    const answer = await post(JSON.stringify({ title: 'ok', colour: 'blue' }), 'application/json');
    expect(answer.status).toBe(400);
    expectErrorBody(answer, 'bad_request');
    expect(answer.body.error.message).toContain('colour');
  });

  test('a language outside the list, a non-string title, an empty title: 400 naming the field', async () => {
    for (const [body, field] of [
      [{ language: 'cobol' }, 'language'],
      [{ title: 42 }, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
    ] as const) {
      const answer = await post(JSON.stringify(body), 'application/json');
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expectErrorBody(answer, 'bad_request');
      expect(answer.body.error.message).toContain(field);
    }
  });

  test('a JSON value that is not an object: 400', async () => {
    for (const body of ['[]', '"title"', '42', 'null']) {
      const answer = await post(body, 'application/json');
      expect(answer.status, body).toBe(400);
      expectErrorBody(answer, 'bad_request');
    }
  });

  test('a 10 MB title: 413 body_too_large, and the server still answers afterwards', async () => {
    const answer = await post(JSON.stringify({ title: 'x'.repeat(10 * 1024 * 1024) }), 'application/json');
    expect(answer.status).toBe(413);
    expectErrorBody(answer, 'body_too_large');

    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const created = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'after the big one' }),
    });
    expect(created.status).toBe(201);
  });

  test('a body that is not declared as JSON: 400 saying to send JSON', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const answer = await post(JSON.stringify({ title: 'looks like JSON' }), contentType);
      expect(answer.status, String(contentType)).toBe(400);
      expectErrorBody(answer, 'bad_request');
      expect(answer.body.error.message).toContain('application/json');
    }
  });

  test('unknown API paths answer 404 with the same error shape', async () => {
    const response = await fetch(`${server.httpUrl}/api/nothing-here`);
    const raw = await response.text();
    expect(response.status).toBe(404);
    expectErrorBody({ status: response.status, body: JSON.parse(raw) as ErrorAnswer['body'], raw }, 'not_found');
  });
});
