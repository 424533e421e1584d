// A small TCP load balancer for `npm run cluster` and tests: each connection goes to the next
// instance in turn, skipping instances that refuse (killed, restarting). It works at the TCP
// level, so HTTP, WebSocket upgrades and Socket.IO all pass through unchanged.
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  port: number;
  /** Connections handed to each backend so far, in backend order. */
  stats(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(options: { host: string; port: number; backends: Backend[] }): Promise<RoundRobinProxy> {
  const { backends } = options;
  const handed = backends.map(() => 0);
  const open = new Set<net.Socket>();
  let next = 0;

  /** Tries backends from the next one in turn; calls back with a connected socket or none. */
  function connectSomewhere(attempt: number, done: (upstream: net.Socket | undefined) => void): void {
    if (attempt >= backends.length) return done(undefined);
    const index = next;
    next = (next + 1) % backends.length;
    const upstream = net.connect(backends[index]!);
    const refused = () => connectSomewhere(attempt + 1, done);
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      handed[index]! += 1;
      done(upstream);
    });
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    connectSomewhere(0, (upstream) => {
      if (!upstream) return void client.destroy();
      if (client.destroyed) return void upstream.destroy();
      open.add(upstream);
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    stats: () => [...handed],
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
