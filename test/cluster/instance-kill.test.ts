// Fault test 2: kill -9 one instance while people type. Its clients reconnect through the
// load balancer to the survivor, and no acknowledged edit is lost. An edit counts as
// acknowledged once a client on the other instance has seen it: the server stores before it
// relays, so anything seen elsewhere must be in the database even if its author vanished too.
import { describe, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import { startRoundRobinProxy } from '../../server/cluster/round-robin-proxy.ts';
import { clusterFixture, roomsLoaded, storedText, type TestCluster } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { startTyping, tokensIn } from '../helpers/typist.ts';
import { syncedYClient } from '../helpers/yjs-client.ts';

const fixture = clusterFixture();
const { cleanup } = fixture;

type Instance = TestCluster['instances'][number];

/** A load balancer over [first, second]: its first connection goes to `first`, later ones skip a dead instance. */
async function balancer(first: Instance, second: Instance): Promise<{ wsUrl: string; stats(): number[] }> {
  const proxy = await startRoundRobinProxy({ host: '127.0.0.1', port: 0, backends: [first, second].map((i) => ({ host: '127.0.0.1', port: i.port })) });
  cleanup.add(() => proxy.close());
  return { wsUrl: `ws://127.0.0.1:${proxy.port}`, stats: proxy.stats };
}

describe.skipIf(!fixture.ready)('an instance going away mid-typing', () => {
  test('SIGTERM: the instance stores everything, closes its sockets and exits cleanly; its clients carry on elsewhere', async () => {
    const leaving = await fixture.cluster.addInstance();
    const staying = fixture.cluster.instances[1]!;
    const room = await createRoom(staying.httpUrl);
    const lb = await balancer(leaving, staying);
    const onLeaving = await syncedYClient(lb.wsUrl, room.roomId, room.interviewerToken, { name: 'l' });
    expect(lb.stats()).toEqual([1, 0]);
    const onStaying = await syncedYClient(staying.wsUrl, room.roomId, room.candidateToken, { name: 's' });
    for (const client of [onLeaving, onStaying]) cleanup.add(() => client.destroy());
    const typists = [startTyping(onLeaving, 'l', 15), startTyping(onStaying, 's', 15)];
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const closeCodes = onLeaving.closeCodes.length;
    // Exit code 0 means the shutdown finished before its 10 s forced exit (which exits 1).
    expect(await leaving.stop()).toBe(0);
    expect(onLeaving.closeCodes.slice(closeCodes)).toContain(WS_CLOSE.serverShutdown);
    // The client redials the same address; the load balancer finds the instance that is left.
    await expect.poll(() => onLeaving.provider.wsconnected && lb.stats()[1]! > 0, { timeout: 20_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const typist of typists) typist.stop();
    await expect.poll(() => onLeaving.text.toString() === onStaying.text.toString(), { timeout: 20_000 }).toBe(true);
    for (const typist of typists) expect(tokensIn(onStaying.text.toString(), typist)).toEqual(typist.typed);
    onLeaving.destroy();
    onStaying.destroy();
  });

  test("its clients move to the other instance and every edit someone saw survives, even its author's loss", async () => {
    const [doomed, survivor] = fixture.pair();
    const room = await createRoom(survivor.httpUrl);
    // Two people on the doomed instance, one on the survivor, all typing.
    const lb = await balancer(doomed, survivor);
    const onDoomed = [
      await syncedYClient(doomed.wsUrl, room.roomId, room.interviewerToken, { name: 'd0' }),
      await syncedYClient(lb.wsUrl, room.roomId, room.candidateToken, { name: 'd1' }),
    ];
    expect(lb.stats()).toEqual([1, 0]);
    const watcher = await syncedYClient(survivor.wsUrl, room.roomId, room.interviewerToken, { name: 'w' });
    for (const client of [...onDoomed, watcher]) cleanup.add(() => client.destroy());
    const doomedTypists = onDoomed.map((client, i) => startTyping(client, `d${i}`, 15));
    const watcherTypist = startTyping(watcher, 'w', 15);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    await doomed.kill9();
    // What the survivor's client saw of the doomed instance's edits: acknowledged.
    const acknowledged = doomedTypists.flatMap((typist) => tokensIn(watcher.text.toString(), typist));
    expect(acknowledged.length).toBeGreaterThan(20);

    // The first doomed client vanishes with its instance (its unacknowledged edits may go);
    // the second redials the load balancer, which skips the dead instance.
    doomedTypists[0]!.stop();
    onDoomed[0]!.destroy();
    const mover = onDoomed[1]!;
    await expect.poll(() => mover.provider.wsconnected && lb.stats()[1]! > 0, { timeout: 20_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    doomedTypists[1]!.stop();
    watcherTypist.stop();

    // The two live clients converge on what the database holds: an edit the doomed instance
    // stored but died before relaying reaches them once the survivor notices the gap in seqs.
    const { url } = fixture.cluster.postgres;
    await expect
      .poll(async () => mover.text.toString() === watcher.text.toString() && watcher.text.toString() === (await storedText(url, room.roomId)), { timeout: 20_000 })
      .toBe(true);
    // With all their own edits and every acknowledged one.
    const text = watcher.text.toString();
    expect(tokensIn(text, doomedTypists[1]!)).toEqual(doomedTypists[1]!.typed);
    expect(tokensIn(text, watcherTypist)).toEqual(watcherTypist.typed);
    for (const token of acknowledged) expect(text).toContain(token);

    // And the database has it all: a fresh load after everyone left.
    mover.destroy();
    watcher.destroy();
    await expect.poll(() => roomsLoaded(survivor.httpUrl)).toBe(0);
    const fresh = await syncedYClient(survivor.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => fresh.destroy());
    expect(fresh.text.toString()).toBe(text);
  });
});
