// Checks a client's update against the server's document before it is applied: every place it
// inserts into or deletes from must be allowed for the sender (doc-rules.ts), every clientID it
// writes with must belong to the sender (client-ids.ts), and nothing may be left pending.
//
// The hard part is knowing where a struct goes. Yjs writes an item's parent only when the item
// has neither origin nor rightOrigin; otherwise the receiver copies parent and map key from the
// item to the left (or right), which may be in the server's document or earlier in the same
// update. This resolves each struct the way Item.getMissing does: left first, then right, and
// an item next to garbage-collected content becomes garbage itself (no place, no effect).
import * as Y from 'yjs';
import type { Role } from '../../shared/room.ts';
import { judgeChange, type DocPlace, type ItemContent } from './doc-rules.ts';

type Struct = Y.Item | Y.GC | Y.Skip;
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];
type Place = { kind: 'place'; place: DocPlace } | { kind: 'garbage' } | { kind: 'refused'; reason: string };

export type UpdateVerdict = { ok: true; clients: number[] } | { ok: false; reason: string };

const GARBAGE: Place = { kind: 'garbage' };
const refused = (reason: string): Place => ({ kind: 'refused', reason });

/** Binary search: the struct of `structs` (sorted by clock, contiguous) holding `clock`. */
function structAt<T extends { id: Y.ID; length: number }>(structs: readonly T[], clock: number): T | undefined {
  let low = 0;
  let high = structs.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const struct = structs[middle]!;
    if (clock < struct.id.clock) high = middle - 1;
    else if (clock >= struct.id.clock + struct.length) low = middle + 1;
    else return struct;
  }
  return undefined;
}

class UpdateResolver {
  private readonly incoming = new Map<number, Struct[]>();
  private readonly placeOfIncoming = new Map<Struct, Place>();
  private readonly resolving = new Set<Struct>();
  private rootNames: Map<Y.AbstractType<any>, string> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    structs: Struct[],
  ) {
    for (const struct of structs) {
      const list = this.incoming.get(struct.id.client);
      if (list) list.push(struct);
      else this.incoming.set(struct.id.client, [struct]);
    }
  }

  get clients(): number[] {
    return [...this.incoming.keys()];
  }

  incomingOf(client: number): Struct[] {
    return this.incoming.get(client) ?? [];
  }

  stateOf(client: number): number {
    return Y.getState(this.doc.store, client);
  }

  /** The place of whatever holds `id`: the server's document first, then this update. */
  placeOfId(id: Y.ID): Place {
    if (id.clock < this.stateOf(id.client)) return this.placeOfStored(id);
    const struct = structAt(this.incomingOf(id.client), id.clock);
    if (!struct) return refused('it depends on changes the server does not have');
    return this.placeOfStruct(struct);
  }

  private placeOfStored(id: Y.ID): Place {
    const structs = this.doc.store.clients.get(id.client);
    const struct = structs ? structAt(structs, id.clock) : undefined;
    if (!struct || !(struct instanceof Y.Item)) return GARBAGE;
    const parent = struct.parent as Y.AbstractType<any> | null;
    if (!parent) return GARBAGE;
    if (parent._item !== null) return refused('nested shared types are not part of this document');
    const root = this.rootName(parent);
    return root === undefined ? GARBAGE : { kind: 'place', place: { root, key: struct.parentSub } };
  }

  private rootName(type: Y.AbstractType<any>): string | undefined {
    if (!this.rootNames) {
      this.rootNames = new Map();
      for (const [name, root] of this.doc.share) this.rootNames.set(root, name);
    }
    return this.rootNames.get(type);
  }

  /** Where an incoming struct will be integrated (memoised; a cycle of origins is refused). */
  placeOfStruct(struct: Struct): Place {
    const known = this.placeOfIncoming.get(struct);
    if (known) return known;
    if (this.resolving.has(struct)) return refused('its items refer to each other in a cycle');
    this.resolving.add(struct);
    const place = this.resolve(struct);
    this.resolving.delete(struct);
    this.placeOfIncoming.set(struct, place);
    return place;
  }

  private resolve(struct: Struct): Place {
    if (!(struct instanceof Y.Item)) return GARBAGE;
    // Yjs does not wait for a reference into its own client's future: it throws half-way
    // through applying the update, leaving the document holding what was never stored.
    for (const reference of [struct.origin, struct.rightOrigin, struct.parent]) {
      if (reference instanceof Y.ID && reference.client === struct.id.client && reference.clock >= struct.id.clock) {
        return refused('an item refers to a later item of its own client');
      }
    }
    const parent = struct.parent as unknown;
    if (typeof parent === 'string') return { kind: 'place', place: { root: parent, key: struct.parentSub } };
    if (parent !== null) return refused('nested shared types are not part of this document');
    const left = struct.origin ? this.placeOfId(struct.origin) : undefined;
    const right = struct.rightOrigin ? this.placeOfId(struct.rightOrigin) : undefined;
    for (const side of [left, right]) if (side?.kind === 'refused') return side;
    if (left?.kind === 'garbage' || right?.kind === 'garbage') return GARBAGE;
    if (left?.kind === 'place' && right?.kind === 'place' && !samePlace(left.place, right.place)) {
      return refused('its neighbours are in different parts of the document');
    }
    return left ?? right ?? refused('an item without a parent or neighbours');
  }

  /** Places of everything in [clock, clock + length) of one client, stored or incoming. */
  *placesInRange(client: number, clock: number, length: number): Generator<Place> {
    const end = clock + length;
    const state = this.stateOf(client);
    const stored = this.doc.store.clients.get(client) ?? [];
    if (clock < state) {
      let index = clock < (stored[0]?.id.clock ?? 0) ? 0 : Y.findIndexSS(stored, clock);
      for (; index < stored.length && stored[index]!.id.clock < Math.min(end, state); index += 1) {
        const struct = stored[index]!;
        // Deleting what is already deleted changes nothing. Clients send their whole delete set
        // when they sync, the server's own deletions included, so this must pass.
        if (struct instanceof Y.Item && !struct.deleted) yield this.placeOfStored(struct.id);
      }
    }
    if (end > state) {
      const incoming = this.incomingOf(client);
      const incomingEnd = incoming.length > 0 ? incoming.at(-1)!.id.clock + incoming.at(-1)!.length : state;
      if (end > Math.max(state, incomingEnd)) {
        yield refused('it deletes changes the server does not have');
        return;
      }
      for (const struct of incoming) {
        if (struct.id.clock + struct.length > Math.max(clock, state) && struct.id.clock < end) yield this.placeOfStruct(struct);
      }
    }
  }
}

const samePlace = (a: DocPlace, b: DocPlace) => a.root === b.root && a.key === b.key;

/**
 * Decides whether `update` (already decoded) from a connection of `role` may be applied to `doc`.
 * On success, returns the clientIDs it writes new structs with (to bind them to the sender).
 */
export function checkUpdate(doc: Y.Doc, decoded: { structs: Struct[]; ds: DeleteSet }, role: Role): UpdateVerdict {
  const resolver = new UpdateResolver(doc, decoded.structs);
  const writers: number[] = [];
  for (const client of resolver.clients) {
    const structs = resolver.incomingOf(client);
    const state = resolver.stateOf(client);
    if (structs[0]!.id.clock > state) return { ok: false, reason: 'it depends on changes the server does not have' };
    for (const struct of structs) {
      if (struct instanceof Y.Skip) return { ok: false, reason: 'it has gaps (changes the server does not have)' };
      // Parts the server already holds are skipped by Yjs; they were checked when they arrived.
      if (struct.id.clock + struct.length <= state) continue;
      const place = resolver.placeOfStruct(struct);
      // Yjs integrates the unknown tail of a partly known struct after the stored item just before
      // it, wherever that item is: the tail must land where the struct says it goes.
      if (struct.id.clock < state && struct instanceof Y.Item) {
        const left = resolver.placeOfId(Y.createID(client, state - 1));
        if (place.kind === 'place' && (left.kind !== 'place' || !samePlace(left.place, place.place))) {
          return { ok: false, reason: 'a partly known item would continue in another part of the document' };
        }
      }
      const verdict = judgePlace(place, role, doc, struct instanceof Y.Item ? struct.content : undefined);
      if (verdict) return { ok: false, reason: verdict };
    }
    if (structs.at(-1)!.id.clock + structs.at(-1)!.length > state) writers.push(client);
  }
  const overlap = overlappingDeletes(decoded.ds);
  if (overlap) return { ok: false, reason: overlap };
  for (const [client, ranges] of decoded.ds.clients) {
    for (const range of ranges) {
      for (const place of resolver.placesInRange(client, range.clock, range.len)) {
        const verdict = judgePlace(place, role, doc, undefined);
        if (verdict) return { ok: false, reason: verdict };
      }
    }
  }
  return { ok: true, clients: writers };
}

/** Why the change at `place` is refused, or undefined when it is allowed (or has no effect). */
function judgePlace(place: Place, role: Role, doc: Y.Doc, content: ItemContent | undefined): string | undefined {
  if (place.kind === 'garbage') return undefined;
  if (place.kind === 'refused') return place.reason;
  const verdict = judgeChange(role, place.place, content ?? undefined, doc.share.has(place.place.root));
  return verdict.ok ? undefined : verdict.reason;
}

/**
 * Yjs writes each client's deleted ranges sorted and merged. Overlapping or unsorted ranges make
 * both this check and Yjs walk the same items once per range: 80 KB of repeated ranges held the
 * event loop for a minute.
 */
function overlappingDeletes(ds: DeleteSet): string | undefined {
  for (const ranges of ds.clients.values()) {
    for (let i = 1; i < ranges.length; i += 1) {
      if (ranges[i]!.clock < ranges[i - 1]!.clock + ranges[i - 1]!.len) return 'its deleted ranges overlap or are out of order';
    }
  }
  return undefined;
}

/** True when applying the update would change the document (new structs, or deleting live items). */
export function changesDocument(doc: Y.Doc, decoded: { structs: Struct[]; ds: DeleteSet }): boolean {
  for (const struct of decoded.structs) {
    if (struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client)) return true;
  }
  if (overlappingDeletes(decoded.ds)) return true;
  const resolver = new UpdateResolver(doc, []);
  for (const [client, ranges] of decoded.ds.clients) {
    for (const range of ranges) {
      for (const place of resolver.placesInRange(client, range.clock, range.len)) if (place.kind !== 'garbage') return true;
    }
  }
  return false;
}
