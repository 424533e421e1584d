// Follow mode's arithmetic and the validation of viewports from other clients.
import { describe, expect, test } from 'vitest';
import { VIEWPORT_FIELD, followScroll, remoteViewports, sameView } from '../../client/whiteboard/viewport.ts';

describe('whiteboard viewports', () => {
  test('following with the same canvas size copies the scroll and zoom', () => {
    expect(followScroll({ scrollX: -120, scrollY: 40, zoom: 1.5, width: 1000, height: 600 }, { width: 1000, height: 600 })).toEqual({
      scrollX: -120,
      scrollY: 40,
      zoom: 1.5,
    });
  });

  test('with another canvas size the centre of their view is the centre of mine', () => {
    const theirs = { scrollX: -100, scrollY: -50, zoom: 2, width: 1200, height: 800 };
    const mine = { width: 800, height: 400 };
    const view = followScroll(theirs, mine);
    const centre = (v: { scrollX: number; scrollY: number; zoom: number }, size: { width: number; height: number }) => [
      -v.scrollX + size.width / (2 * v.zoom),
      -v.scrollY + size.height / (2 * v.zoom),
    ];
    expect(centre(view, mine)).toEqual(centre(theirs, theirs));
    expect(view.zoom).toBe(2);
  });

  test("others' viewports are validated; mine and malformed ones are left out", () => {
    const good = { scrollX: 1, scrollY: 2, zoom: 1, width: 800, height: 600 };
    const states = new Map<number, unknown>([
      [1, { user: { name: 'Me' }, [VIEWPORT_FIELD]: good }],
      [7, { user: { name: 'Bob' }, [VIEWPORT_FIELD]: good }],
      [3, { user: { name: 'Alice' }, [VIEWPORT_FIELD]: good }],
      [4, { user: { name: 'Off the board' }, [VIEWPORT_FIELD]: null }],
      [5, { user: { name: 'Bad zoom' }, [VIEWPORT_FIELD]: { ...good, zoom: 0 } }],
      [6, { user: { name: 'Bad scroll' }, [VIEWPORT_FIELD]: { ...good, scrollX: 'x' } }],
      [8, { [VIEWPORT_FIELD]: good }],
    ]);
    expect(remoteViewports(states, 1).map((v) => `${v.id}:${v.name}`)).toEqual(['3:Alice', '7:Bob']);
  });

  test('views within rounding are the same', () => {
    expect(sameView({ scrollX: 1, scrollY: 1, zoom: 1 }, { scrollX: 1.4, scrollY: 0.7, zoom: 1 })).toBe(true);
    expect(sameView({ scrollX: 1, scrollY: 1, zoom: 1 }, { scrollX: 3, scrollY: 1, zoom: 1 })).toBe(false);
    expect(sameView({ scrollX: 1, scrollY: 1, zoom: 1 }, { scrollX: 1, scrollY: 1, zoom: 1.1 })).toBe(false);
  });
});
