// Fault test 5: a leak check. 20 cycles of opening 200 rooms (two people each), typing, and
// everyone leaving, on an instance in multi-instance mode. Afterwards no room is loaded and the
// instance's heap and RSS (read through the inspector after a full GC) are within 10% of what
// they were after the first two cycles, which warm up code caches, pools and the JIT.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clusterProgramsReady, roomsLoaded, startTestCluster, type TestCluster } from '../helpers/cluster.ts';
import { inspectorUrlIn, openInspector, type InspectorSession } from '../helpers/inspector.ts';
import { createRoom } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { syncedYClient } from '../helpers/yjs-client.ts';

const CYCLES = 20;
const WARMUP_CYCLES = 2;
const ROOMS = 200;
const BATCH = 25;

const ready = clusterProgramsReady();
let cluster: TestCluster;
let inspector: InspectorSession;
beforeAll(async () => {
  if (!ready) return;
  cluster = await startTestCluster({ instances: 1, nodeArgs: ['--inspect=127.0.0.1:0'] });
  const url = inspectorUrlIn(cluster.instances[0]!.output());
  if (!url) throw new Error(`no inspector URL in the server's output:\n${cluster.instances[0]!.output()}`);
  inspector = await openInspector(url);
});
afterAll(async () => {
  inspector?.close();
  await cluster?.close();
});

async function cycle(instance: TestCluster['instances'][0] & object): Promise<void> {
  for (let start = 0; start < ROOMS; start += BATCH) {
    await Promise.all(
      Array.from({ length: BATCH }, async (_, i) => {
        const room = await createRoom(instance.httpUrl);
        const interviewer = await syncedYClient(instance.wsUrl, room.roomId, room.interviewerToken, { name: 'i' });
        const candidate = await syncedYClient(instance.wsUrl, room.roomId, room.candidateToken, { name: 'c' });
        try {
          candidate.text.insert(0, `def f${start + i}():\n    return ${i}\n`);
          interviewer.text.insert(0, '# reviewed\n');
          await waitFor(() => interviewer.text.toString() === candidate.text.toString() && interviewer.text.length > 20, 20_000, 'the two converging');
        } finally {
          interviewer.destroy();
          candidate.destroy();
        }
      }),
    );
  }
  await waitFor(async () => (await roomsLoaded(instance.httpUrl)) === 0, 30_000, 'every room unloading');
}

describe.skipIf(!ready)('leak check', () => {
  test(`${CYCLES} cycles of ${ROOMS} rooms leave no rooms loaded and memory within 10% of the baseline`, { timeout: 600_000 }, async () => {
    const instance = cluster.instances[0]!;
    for (let i = 0; i < WARMUP_CYCLES; i++) await cycle(instance);
    const baseline = await inspector.memoryAfterGc();
    for (let i = WARMUP_CYCLES; i < CYCLES; i++) await cycle(instance);
    expect(await roomsLoaded(instance.httpUrl)).toBe(0);
    // Nor any room stream still read from Redis.
    const metrics = await (await fetch(`${instance.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^interview_relay_rooms_watched 0$/m);
    const after = await inspector.memoryAfterGc();
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    console.log(`leak check: heap ${mb(baseline.heapUsed)} -> ${mb(after.heapUsed)}, rss ${mb(baseline.rss)} -> ${mb(after.rss)}`);
    expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed * 1.1);
    expect(after.rss).toBeLessThanOrEqual(baseline.rss * 1.1);
  });
});
