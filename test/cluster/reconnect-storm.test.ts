// Fault test 4: a reconnect storm. 1,000 clients in 50 rooms across two instances drop their
// connections and come back within one second (what a load balancer restart or a network
// blip does). The instances keep answering health checks and every room converges.
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

const ROOMS = 50;
const CLIENTS_PER_ROOM = 20;
const STORM_WINDOW_MS = 1000;

// 19 clients share the candidate link: people, not one holder's tabs, so the per-link limit is lifted.
const fixture = clusterFixture({ env: { CONNECTIONS_PER_TOKEN: String(CLIENTS_PER_ROOM) } });
const { cleanup } = fixture;

/** Polls every instance's /healthz until stopped; counts answers that were not 200. */
function watchHealth(urls: string[]): { stop(): Promise<{ answered: number; failed: string[] }> } {
  let running = true;
  let answered = 0;
  const failed: string[] = [];
  const loop = (async () => {
    while (running) {
      await Promise.all(
        urls.map(async (url) => {
          try {
            const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
            if (response.status === 200) answered += 1;
            else failed.push(`${url}: ${response.status}`);
          } catch (error) {
            failed.push(`${url}: ${(error as Error).message}`);
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answered, failed };
    },
  };
}

describe.skipIf(!fixture.ready)('reconnect storm', () => {
  test('1,000 clients reconnecting within a second: health keeps answering and every room converges', { timeout: 240_000 }, async () => {
    const instances = fixture.cluster.instances;
    const rooms: { roomId: string; clients: YClient[] }[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const room = await createRoom(instances[r % instances.length]!.httpUrl);
      const connecting = Array.from({ length: CLIENTS_PER_ROOM }, (_, c) =>
        syncedYClient(instances[(r + c) % instances.length]!.wsUrl, room.roomId, c === 0 ? room.interviewerToken : room.candidateToken),
      );
      const clients = await Promise.all(connecting);
      for (const client of clients) cleanup.add(() => client.destroy());
      rooms.push({ roomId: room.roomId, clients });
    }
    const all = rooms.flatMap((room) => room.clients);
    expect(all).toHaveLength(1000);

    let reconnected = 0;
    for (const client of all) {
      client.provider.on('status', ({ status }: { status: string }) => {
        if (status === 'connected') reconnected += 1;
      });
    }
    const health = watchHealth(instances.map((instance) => instance.httpUrl));
    for (const client of all) client.provider.disconnect();
    expect(all.filter((client) => client.provider.wsconnected)).toHaveLength(0);
    await Promise.all(
      all.map(
        (client, i) =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              client.provider.connect();
              resolve();
            }, (i / all.length) * STORM_WINDOW_MS),
          ),
      ),
    );
    await expect.poll(() => all.filter((client) => client.provider.synced && client.provider.wsconnected).length, { timeout: 120_000 }).toBe(1000);
    expect(reconnected).toBe(1000);

    // After the storm every room still works live: one edit per room reaches all 20 people.
    rooms.forEach((room, r) => room.clients[r % CLIENTS_PER_ROOM]!.text.insert(0, `room ${r};`));
    await expect
      .poll(() => rooms.filter((room, r) => room.clients.every((client) => client.text.toString() === `room ${r};`)).length, { timeout: 60_000 })
      .toBe(ROOMS);
    const { answered, failed } = await health.stop();
    expect(failed).toEqual([]);
    expect(answered).toBeGreaterThan(0);
  });
});
