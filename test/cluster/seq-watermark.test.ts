import { expect, test } from 'vitest';
import { SeqWatermark } from '../../server/yjs/seq-watermark.ts';

test('the watermark advances only over contiguous sequence numbers, in any arrival order', () => {
  const held = new SeqWatermark(3);
  held.mark(5);
  held.mark(7);
  expect(held.contiguous).toBe(3);
  held.mark(4);
  expect(held.contiguous).toBe(5);
  held.mark(6);
  expect(held.contiguous).toBe(7);
  held.mark(2); // already covered
  expect(held.contiguous).toBe(7);
});

test('a gap is reported only after it has lasted the grace period, and not once filled', () => {
  const held = new SeqWatermark(0);
  held.mark(2, 1000);
  expect(held.gapOlderThan(500, 1400)).toBe(false);
  expect(held.gapOlderThan(500, 1500)).toBe(true);
  held.mark(1, 1600);
  expect(held.gapOlderThan(500, 5000)).toBe(false);
});
