// The round-robin TCP proxy of `npm run cluster` and the fault tests: it alternates between
// backends, skips one that refuses, carries WebSockets, and closes (never hangs) when none is up.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startRoundRobinProxy } from '../../server/cluster/round-robin-proxy.ts';
import { freePort } from '../helpers/free-port.ts';
import { Cleanup } from '../helpers/wait-for.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** An HTTP server answering its own name, with a WebSocket echo. */
async function backend(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.end(name));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`${name}:${data.toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      wss.close();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanup.add(close);
  return { port: (server.address() as AddressInfo).port, close };
}

async function proxyOver(ports: number[]) {
  const proxy = await startRoundRobinProxy({ host: '127.0.0.1', port: 0, backends: ports.map((port) => ({ host: '127.0.0.1', port })) });
  cleanup.add(() => proxy.close());
  return proxy;
}

// A new connection per request (no keep-alive), as separate clients would make.
const get = (port: number) => fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).then((r) => r.text());

test('connections alternate between backends', async () => {
  const [a, b] = await Promise.all([backend('a'), backend('b')]);
  const proxy = await proxyOver([a.port, b.port]);
  const answers: string[] = [];
  for (let i = 0; i < 4; i++) answers.push(await get(proxy.port));
  expect(answers).toEqual(['a', 'b', 'a', 'b']);
  expect(proxy.stats()).toEqual([2, 2]);
});

test('a backend that is down is skipped', async () => {
  const a = await backend('a');
  const proxy = await proxyOver([await freePort(), a.port]);
  for (let i = 0; i < 3; i++) expect(await get(proxy.port)).toBe('a');
  expect(proxy.stats()).toEqual([0, 3]);
});

test('WebSockets pass through', async () => {
  const a = await backend('a');
  const proxy = await proxyOver([a.port]);
  const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/`);
  cleanup.add(() => ws.close());
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const echoed = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())));
  ws.send('hello');
  expect(await echoed).toBe('a:hello');
});

test('with every backend down the client is disconnected, not left hanging', async () => {
  const proxy = await proxyOver([await freePort(), await freePort()]);
  await expect(get(proxy.port)).rejects.toThrow();
});
