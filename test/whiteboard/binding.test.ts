// The whiteboard binding between two replicas, each a bare Y.Doc, synced by exchanging updates
// by hand: no browser, no Excalidraw, no server.
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { MAX_ELEMENT_BYTES, parseElement, type WhiteboardElement } from '../../shared/whiteboard-element.ts';
import { mergeIntoScene } from '../../client/whiteboard/merge-scene.ts';
import { collaboratorIdFor, excalidrawHueOf, hueOf, remotePointers } from '../../client/whiteboard/pointers.ts';
import { YjsSceneBinding } from '../../client/whiteboard/yjs-scene-binding.ts';

function rect(id: string, index: string, extra: Partial<WhiteboardElement> = {}): WhiteboardElement {
  return {
    id,
    type: 'rectangle',
    x: 0,
    y: 0,
    width: 100,
    height: 50,
    angle: 0,
    version: 1,
    versionNonce: 1000,
    index,
    isDeleted: false,
    strokeColor: '#1e1e1e',
    backgroundColor: 'transparent',
    fillStyle: 'solid',
    strokeWidth: 2,
    strokeStyle: 'solid',
    roughness: 1,
    opacity: 100,
    seed: 42,
    groupIds: [],
    frameId: null,
    boundElements: null,
    roundness: null,
    updated: 1,
    link: null,
    locked: false,
    ...extra,
  };
}

/** A replica: a Y.Doc, its binding, and a canvas that applies what the binding reports. */
function replica(clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  let canvas: WhiteboardElement[] = [];
  const binding = new YjsSceneBinding(doc.getMap('whiteboard'), {
    onRemoteChange: (changed) => {
      canvas = mergeIntoScene(canvas, changed);
    },
  });
  return {
    doc,
    binding,
    canvas: () => canvas,
    /** A local edit on the canvas, then Excalidraw's onChange. */
    edit(element: WhiteboardElement) {
      canvas = mergeIntoScene(canvas.filter((e) => e.id !== element.id), [element]);
      binding.pushLocal(canvas);
    },
    get: (id: string) => canvas.find((e) => e.id === id),
  };
}

type Replica = ReturnType<typeof replica>;

/** Exchanges updates both ways until neither replica has anything new for the other. */
function sync(a: Replica, b: Replica) {
  for (let round = 0; round < 10; round += 1) {
    const toB = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc));
    const toA = Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc));
    Y.applyUpdate(b.doc, toB, 'remote');
    Y.applyUpdate(a.doc, toA, 'remote');
    const same = Buffer.from(Y.encodeStateVector(a.doc)).equals(Buffer.from(Y.encodeStateVector(b.doc)));
    if (same) return;
  }
  throw new Error('replicas did not settle');
}

describe('whiteboard binding over two Y.Docs', () => {
  test('one map entry per element, keyed by id; a remote replica shows them', () => {
    const a = replica(1);
    const b = replica(2);
    a.edit(rect('r1', 'a0'));
    a.edit(rect('r2', 'a1'));
    sync(a, b);
    expect([...a.doc.getMap('whiteboard').keys()].sort()).toEqual(['r1', 'r2']);
    expect(b.canvas().map((e) => e.id)).toEqual(['r1', 'r2']);
    expect(b.binding.visibleCount()).toBe(2);
  });

  test('only changed elements are written', () => {
    const a = replica(1);
    a.edit(rect('r1', 'a0'));
    a.edit(rect('r2', 'a1'));
    const updates: Uint8Array[] = [];
    a.doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(a.binding.pushLocal(a.canvas())).toBe(0);
    expect(updates).toHaveLength(0);
    expect(a.binding.pushLocal([rect('r1', 'a0', { x: 10, version: 2, versionNonce: 5 }), a.get('r2')!])).toBe(1);
    expect(updates).toHaveLength(1);
  });

  test('two people moving different elements at once both keep their move', () => {
    const a = replica(1);
    const b = replica(2);
    a.edit(rect('r1', 'a0'));
    a.edit(rect('r2', 'a1'));
    sync(a, b);
    a.edit(rect('r1', 'a0', { x: 300, version: 2, versionNonce: 11 }));
    b.edit(rect('r2', 'a1', { y: 400, version: 2, versionNonce: 22 }));
    sync(a, b);
    for (const r of [a, b]) {
      expect(r.get('r1')!.x).toBe(300);
      expect(r.get('r2')!.y).toBe(400);
    }
  });

  test('concurrent edits of one element converge to the highest version, whichever client id Yjs prefers', () => {
    for (const [ida, idb] of [
      [1, 2],
      [2, 1],
    ] as const) {
      const a = replica(ida);
      const b = replica(idb);
      a.edit(rect('r1', 'a0'));
      sync(a, b);
      a.edit(rect('r1', 'a0', { x: 111, version: 3, versionNonce: 7 }));
      b.edit(rect('r1', 'a0', { x: 222, version: 2, versionNonce: 8 }));
      b.edit(rect('r1', 'a0', { x: 333, version: 4, versionNonce: 9 }));
      sync(a, b);
      expect(a.get('r1')).toEqual(b.get('r1'));
      expect(a.get('r1')!.x).toBe(333);
      expect((a.doc.getMap('whiteboard').get('r1') as WhiteboardElement).x).toBe(333);
      expect((b.doc.getMap('whiteboard').get('r1') as WhiteboardElement).x).toBe(333);
    }
  });

  test('equal versions converge deterministically (lower versionNonce wins)', () => {
    for (const [ida, idb] of [
      [1, 2],
      [2, 1],
    ] as const) {
      const a = replica(ida);
      const b = replica(idb);
      a.edit(rect('r1', 'a0'));
      sync(a, b);
      a.edit(rect('r1', 'a0', { x: 111, version: 2, versionNonce: 50 }));
      b.edit(rect('r1', 'a0', { x: 222, version: 2, versionNonce: 40 }));
      sync(a, b);
      expect(a.get('r1')!.x).toBe(222);
      expect(b.get('r1')!.x).toBe(222);
      expect(a.doc.getMap('whiteboard').toJSON()).toEqual(b.doc.getMap('whiteboard').toJSON());
    }
  });

  test('a malformed or oversized element from a modified client is dropped and the scene still works', () => {
    const a = replica(1);
    const b = replica(2);
    a.edit(rect('r1', 'a0'));
    sync(a, b);
    const rogue = new Y.Doc();
    Y.applyUpdate(rogue, Y.encodeStateAsUpdate(a.doc));
    rogue.transact(() => {
      const map = rogue.getMap('whiteboard');
      map.set('bad1', { id: 'bad1', type: 'rectangle', x: 'not a number' });
      map.set('bad2', 'just a string');
      map.set('bad3', rect('other-id', 'a2'));
      map.set('bad4', rect('bad4', 'a3', { groupIds: ['x'.repeat(MAX_ELEMENT_BYTES)] }));
      map.set('bad5', rect('bad5', 'a4', { type: 'arrow' } as Partial<WhiteboardElement>)); // an arrow without points
    });
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(rogue, Y.encodeStateVector(b.doc)), 'remote');
    expect(b.canvas().map((e) => e.id)).toEqual(['r1']);
    expect(b.binding.elements().map((e) => e.id)).toEqual(['r1']);
    b.edit(rect('r2', 'a1'));
    sync(a, b);
    expect(a.canvas().map((e) => e.id)).toEqual(['r1', 'r2']);
  });

  test('a fresh replica loads only valid elements, in index order', () => {
    const a = replica(1);
    a.edit(rect('top', 'a2'));
    a.edit(rect('bottom', 'a0'));
    a.edit(rect('middle', 'a1'));
    a.doc.getMap('whiteboard').set('junk', { id: 'junk' });
    const late = new Y.Doc();
    Y.applyUpdate(late, Y.encodeStateAsUpdate(a.doc));
    const binding = new YjsSceneBinding(late.getMap('whiteboard'));
    expect(binding.elements().map((e) => e.id)).toEqual(['bottom', 'middle', 'top']);
  });

  test('elements are ordered by fractional index (code-unit order), then id', () => {
    const a = replica(1);
    const b = replica(2);
    a.edit(rect('x', 'a1'));
    a.edit(rect('y', 'Zz'));
    a.edit(rect('z', 'a0V'));
    b.edit(rect('w', 'a0V'));
    sync(a, b);
    expect(b.canvas().map((e) => e.id)).toEqual(['y', 'w', 'z', 'x']);
    expect(a.binding.elements().map((e) => e.id)).toEqual(['y', 'w', 'z', 'x']);
  });

  test('a deletion (tombstone) reaches the other replica', () => {
    const a = replica(1);
    const b = replica(2);
    a.edit(rect('r1', 'a0'));
    sync(a, b);
    a.edit(rect('r1', 'a0', { isDeleted: true, version: 2, versionNonce: 3 }));
    sync(a, b);
    expect(b.get('r1')!.isDeleted).toBe(true);
    expect(b.binding.visibleCount()).toBe(0);
  });

  test('the canvas keeps a newer local edit that was not shared yet', () => {
    const local = [rect('r1', 'a0', { x: 5, version: 7, versionNonce: 1 })];
    expect(mergeIntoScene(local, [rect('r1', 'a0', { x: 9, version: 6, versionNonce: 1 })])[0]!.x).toBe(5);
    expect(mergeIntoScene(local, [rect('r1', 'a0', { x: 9, version: 8, versionNonce: 1 })])[0]!.x).toBe(9);
  });

  test('parseElement accepts text and arrows with their own fields, rejects them without', () => {
    const arrow = rect('a', 'a0', { type: 'arrow', points: [[0, 0], [10, 10]] } as Partial<WhiteboardElement>);
    expect(parseElement(arrow)).toBeDefined();
    const text = rect('t', 'a1', {
      type: 'text', text: 'hi', originalText: 'hi', fontSize: 20, fontFamily: 5, textAlign: 'left', verticalAlign: 'top', containerId: null, lineHeight: 1.25,
    } as Partial<WhiteboardElement>);
    expect(parseElement(text)).toBeDefined();
    expect(parseElement({ ...text, fontSize: -1 })).toBeUndefined();
  });
});

describe('whiteboard pointers from awareness', () => {
  test("other people's pointers with name and colour; mine, absent and malformed ones are left out", () => {
    const states = new Map<number, unknown>([
      [1, { user: { name: 'Me', color: '#ff0000' }, whiteboardPointer: { x: 1, y: 2 } }],
      [2, { user: { name: 'Bob', color: '#00ff00' }, whiteboardPointer: { x: 10, y: 20 } }],
      [3, { user: { name: 'Off board', color: '#0000ff' }, whiteboardPointer: null }],
      [4, { user: { name: 'Evil', color: 'url(x)' }, whiteboardPointer: { x: 1, y: 1 } }],
      [5, { whiteboardPointer: { x: 'a', y: 1 } }],
    ]);
    expect(remotePointers(states, 1)).toEqual([{ id: '2', name: 'Bob', color: '#00ff00', x: 10, y: 20 }]);
  });

  test("the collaborator id makes Excalidraw draw the pointer in the person's own hue", () => {
    for (const color of ['#ff0000', '#4f7cff', '#22aa55', '#e5a50a', '#c061cb']) {
      const hue = hueOf(color)!;
      const drawn = excalidrawHueOf(collaboratorIdFor('12345', color));
      expect(Math.min(Math.abs(drawn - hue), 360 - Math.abs(drawn - hue))).toBeLessThanOrEqual(5);
    }
    expect(collaboratorIdFor('12345', '#888888')).toBe('12345');
  });
});
