// Every HTTP error, wherever it comes from (our routes, the body parser, the router, the
// static files), is { error: { id, message } } with the right status and nothing internal:
// no stack trace, no server file path.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let distDir: string;

beforeAll(async () => {
  // A built client of our own, so the static routes behave the same whatever `npm run build` left.
  distDir = tempDataDir('room-test-dist-');
  fs.mkdirSync(path.join(distDir, 'assets'));
  fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>room</title>');
  fs.writeFileSync(path.join(distDir, 'assets', 'app-1234.js'), 'console.log(1)');
  server = await startTestServer({ CLIENT_DIST_DIR: distDir });
});
afterAll(() => server?.close());

async function errorAnswer(response: Response): Promise<{ id: string; message: string; raw: string }> {
  const raw = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(raw) as { error: { id: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['id', 'message']);
  expect(raw).not.toMatch(/\bat .+:\d+:\d+/); // stack frame
  expect(raw).not.toContain(distDir);
  expect(raw).not.toContain(server.dataDir);
  expect(raw).not.toMatch(/ENOENT|EACCES|\/work\/|\/tmp\//);
  return { ...body.error, raw };
}

describe('HTTP error bodies', () => {
  test('the built client is served (control)', async () => {
    expect((await fetch(`${server.httpUrl}/assets/app-1234.js`)).status).toBe(200);
    const page = await fetch(`${server.httpUrl}/r/SomeRoom1234`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>room</title>');
  });

  test('a missing hashed asset: 404 not_found, without the server path', async () => {
    const response = await fetch(`${server.httpUrl}/assets/app-0000.js`);
    expect(response.status).toBe(404);
    const error = await errorAnswer(response);
    expect(error.id).toBe('not_found');
  });

  test('an unknown API path or method: 404 not_found', async () => {
    for (const [method, url] of [['GET', '/api/nothing'], ['PUT', '/api/rooms'], ['PATCH', '/api/rooms/SomeRoom1234']] as const) {
      const response = await fetch(`${server.httpUrl}${url}`, { method });
      expect(response.status, `${method} ${url}`).toBe(404);
      expect((await errorAnswer(response)).id).toBe('not_found');
    }
  });

  test('a room id that cannot be decoded: 400 bad_request', async () => {
    const response = await fetch(`${server.httpUrl}/api/rooms/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect((await errorAnswer(response)).id).toBe('bad_request');
  });

  test('a JSON body in an unsupported charset or encoding: 4xx with a readable message', async () => {
    const cases: Record<string, string>[] = [
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
    ];
    for (const headers of cases) {
      const response = await fetch(`${server.httpUrl}/api/rooms`, { method: 'POST', headers, body: '{}' });
      expect(response.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(response.status, JSON.stringify(headers)).toBeLessThan(500);
      const error = await errorAnswer(response);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });
});
