// Security headers (helmet) on every response: a Content-Security-Policy naming no third-party
// origin, without upgrade-insecure-requests and HSTS (plain-HTTP LAN installs), framing
// refused. Whether the built client actually runs under this policy is checked by every
// browser test: test/helpers/browser.ts fails a test on any CSP violation.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let server: TestServer;
let room: CreateRoomResponse;

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.httpUrl, { title: 'Headers' });
});
afterAll(() => server?.close());

/** A GET with hand-set headers (fetch does not let a test choose Host). */
function get(path: string, headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
  });
}

function directives(csp: string | undefined): Map<string, string[]> {
  expect(csp).toBeTruthy();
  return new Map(
    csp!
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

const CSP = 'content-security-policy';

describe('security headers', () => {
  test('pages, the API and errors all carry the CSP and the other helmet headers', async () => {
    const responses = [
      await get('/'),
      await get(`/r/${room.roomId}`),
      await get('/healthz'),
      await get(`/api/rooms/${room.roomId}`, { authorization: `Bearer ${room.interviewerToken}` }),
      await get('/api/no-such-endpoint'),
      await get('/metrics'),
    ];
    for (const res of responses) {
      const csp = res.headers[CSP] as string;
      const policy = directives(csp);
      expect(policy.get('default-src')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('script-src-attr')).toEqual(["'none'"]);
      // Scripts only from us: no inline script, no string evaluation on pages.
      expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(policy.has('upgrade-insecure-requests')).toBe(false);
      expect(csp).not.toMatch(/\bhttps?:/);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  test("WebSockets are allowed to this host only, as the browser addressed it", async () => {
    const policy = directives((await get('/', { host: `interviews.lan:${server.port}` })).headers[CSP] as string);
    expect(policy.get('connect-src')).toEqual(["'self'", `ws://interviews.lan:${server.port}`, `wss://interviews.lan:${server.port}`]);
    // X-Forwarded-Host counts only behind a trusted proxy (TRUST_PROXY is off here).
    const forwarded = directives((await get('/', { host: 'a.lan', 'x-forwarded-host': 'evil.example' })).headers[CSP] as string);
    expect(forwarded.get('connect-src')).toEqual(["'self'", 'ws://a.lan', 'wss://a.lan']);
    // A Host that is not a host name adds nothing to the policy.
    const odd = directives((await get('/', { host: "x.lan;script-src 'unsafe-inline'" })).headers[CSP] as string);
    expect(odd.get('connect-src')).toEqual(["'self'"]);
    expect(odd.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  });

  test("only Excalidraw's font-subsetting worker script may evaluate strings (a worker has its own policy)", async () => {
    const worker = directives((await get('/assets/excalidraw-subset-AbC123_x.js')).headers[CSP] as string);
    expect(worker.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"]);
    for (const path of ['/assets/index-AbC123.js', '/assets/editor.worker-AbC123.js', '/excalidraw-subset-AbC123.js', '/assets/excalidraw-subset-x.js/..%2f']) {
      expect((await get(path)).headers[CSP]).not.toContain("'unsafe-eval'");
    }
  });

  test('a whiteboard file download keeps its own stricter policy', async () => {
    const url = `${server.httpUrl}/api/rooms/${room.roomId}/whiteboard/files/headers-png`;
    const put = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${room.candidateToken}`, 'content-type': 'image/png' }, body: PNG });
    expect(put.status).toBe(204);
    const res = await fetch(url, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get(CSP)).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
