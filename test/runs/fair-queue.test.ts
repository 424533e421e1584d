// Runs beyond the concurrency limit wait; rooms take turns, so one busy room cannot make
// another wait behind all of its runs.
import { expect, test } from 'vitest';
import { FairQueue } from '../../server/runs/fair-queue.ts';

/** A task that finishes when the test says so, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { task: () => (started.push(name), done), open };
}

test("with one slot, a second room runs before the first room's queued runs", async () => {
  const queue = new FairQueue(1);
  const started: string[] = [];
  const a1 = gate(started, 'a1');
  const a2 = gate(started, 'a2');
  const a3 = gate(started, 'a3');
  const b1 = gate(started, 'b1');
  const all = [queue.schedule('a', a1.task), queue.schedule('a', a2.task), queue.schedule('a', a3.task), queue.schedule('b', b1.task)];
  await expect.poll(() => started).toEqual(['a1']);
  expect(queue.depth).toBe(3);
  for (const next of [a1, b1, a2, a3]) {
    next.open();
    await Promise.resolve();
  }
  await Promise.all(all);
  expect(started).toEqual(['a1', 'b1', 'a2', 'a3']);
  expect(queue.depth).toBe(0);
});

test('concurrency is respected and a failing task frees its slot', async () => {
  const queue = new FairQueue(2);
  let running = 0;
  let peak = 0;
  const task = (fail: boolean) => async () => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    if (fail) throw new Error('boom');
  };
  const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => queue.schedule(`room-${i % 3}`, task(i % 2 === 0))));
  expect(peak).toBe(2);
  expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
});
