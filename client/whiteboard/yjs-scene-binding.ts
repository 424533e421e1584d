// The board's elements in the room's Yjs document: one map entry per element, keyed by its id,
// holding the element as a plain object. Knows nothing about Excalidraw's DOM, so it is tested
// with bare Y.Docs.
//
// Local edits: pushLocal() gets the whole scene (deleted elements are kept as tombstones by
// Excalidraw), compares each element with the last version this replica knows, and writes
// only the changed ones, in one transaction with this binding's origin.
// Remote edits: the observer validates each changed entry and reports the winners. When Yjs
// resolved a concurrent write of one entry in favour of the lower version, the replica holding
// the higher one writes it again, so every replica settles on the highest version.
import * as Y from 'yjs';
import { MAX_ELEMENT_BYTES, parseElement, type WhiteboardElement } from '../../shared/whiteboard-element.ts';
import { beats, sameEdit } from './element-version.ts';
import { sortByIndex } from './element-order.ts';

export interface SceneBindingOptions {
  /** Elements changed by someone else (validated, winners only), to show on the canvas. */
  onRemoteChange?: (changed: WhiteboardElement[]) => void;
  /** A local element that could not be shared (malformed or over MAX_ELEMENT_BYTES). */
  onRejectedLocal?: (id: string, reason: 'malformed' | 'too-large') => void;
}

let nextBindingId = 0;

export class YjsSceneBinding {
  /** Origin of this replica's own transactions (the id is unique per binding). */
  readonly origin = { whiteboard: true, id: `whiteboard-${(nextBindingId += 1)}` };
  private readonly known = new Map<string, WhiteboardElement>();

  constructor(
    readonly map: Y.Map<unknown>,
    private readonly options: SceneBindingOptions = {},
  ) {
    map.forEach((raw, key) => {
      const element = parseElement(raw, key);
      if (element) this.known.set(key, element);
    });
    map.observe(this.onMapChange);
  }

  /** Every element this replica knows (tombstones included), in stacking order. */
  elements(): WhiteboardElement[] {
    return sortByIndex(this.known.values());
  }

  /** Elements not deleted, the count people see. */
  visibleCount(): number {
    let count = 0;
    for (const element of this.known.values()) if (!element.isDeleted) count += 1;
    return count;
  }

  /** What is on the board, for display and tests: visible count and their sorted distinct types. */
  stats(): { count: number; types: string; imageFiles: string } {
    const types = new Set<string>();
    const imageFiles = new Set<string>();
    for (const element of this.known.values()) {
      if (element.isDeleted) continue;
      types.add(element.type);
      const fileId = (element as { fileId?: unknown }).fileId;
      if (element.type === 'image' && typeof fileId === 'string') imageFiles.add(fileId);
    }
    return { count: this.visibleCount(), types: [...types].sort().join(','), imageFiles: [...imageFiles].sort().join(',') };
  }

  /** Writes the elements of `scene` that changed since last seen. Returns how many were written. */
  pushLocal(scene: readonly object[]): number {
    const changed: WhiteboardElement[] = [];
    for (const candidate of scene) {
      const { id, version, versionNonce } = candidate as Partial<WhiteboardElement>;
      if (typeof id !== 'string' || typeof version !== 'number' || typeof versionNonce !== 'number') continue;
      const previous = this.known.get(id);
      if (previous && (sameEdit(previous, { version, versionNonce }) || !beats({ version, versionNonce }, previous))) continue;
      const plain = toPlain(candidate);
      if (plain === undefined) {
        this.options.onRejectedLocal?.(id, 'too-large');
        continue;
      }
      const element = parseElement(plain, id);
      if (!element) {
        this.options.onRejectedLocal?.(id, 'malformed');
        continue;
      }
      this.known.set(id, element);
      changed.push(element);
    }
    if (changed.length > 0) this.write(changed);
    return changed.length;
  }

  destroy(): void {
    this.map.unobserve(this.onMapChange);
  }

  private write(elements: WhiteboardElement[]): void {
    const doc = this.map.doc;
    const apply = () => {
      for (const element of elements) this.map.set(element.id, element);
    };
    if (doc) doc.transact(apply, this.origin);
    else apply();
  }

  private readonly onMapChange = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction): void => {
    if (transaction.origin === this.origin) return;
    const changed: WhiteboardElement[] = [];
    const rewrite: WhiteboardElement[] = [];
    for (const key of event.keysChanged) {
      const mine = this.known.get(key);
      if (!this.map.has(key)) {
        // Someone removed the entry: hide the element here too.
        if (mine) {
          this.known.delete(key);
          changed.push({ ...mine, isDeleted: true });
        }
        continue;
      }
      const theirs = parseElement(this.map.get(key), key);
      if (!theirs) continue; // malformed: dropped, the canvas keeps what it had
      if (mine && sameEdit(mine, theirs)) continue;
      if (mine && beats(mine, theirs)) {
        rewrite.push(mine);
        continue;
      }
      this.known.set(key, theirs);
      changed.push(theirs);
    }
    if (rewrite.length > 0) this.write(rewrite);
    if (changed.length > 0) this.options.onRemoteChange?.(changed);
  };
}

/** A JSON copy of an element (no shared references with the canvas), or undefined when too large. */
function toPlain(element: object): object | undefined {
  let json: string;
  try {
    json = JSON.stringify(element);
  } catch {
    return undefined;
  }
  if (json.length > MAX_ELEMENT_BYTES) return undefined;
  return JSON.parse(json) as object;
}
