// Hand-written Yjs v1 updates, for tests that send what no honest client would: references
// into the future, overlapping deletions, structs that start inside a known one.
import * as encoding from 'lib0/encoding';

export interface RawStringItem {
  clock: number;
  text: string;
  origin?: { client: number; clock: number };
  /** A root type name, written when the item has no origin. */
  parentRoot?: string;
}

/** One client's string items (in clock order) and a delete set of [client, clock, len] ranges. */
export function rawUpdate(client: number, items: RawStringItem[], deletes: [number, number, number][] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, items.length > 0 ? 1 : 0);
  if (items.length > 0) {
    encoding.writeVarUint(e, items.length);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, items[0]!.clock);
    for (const item of items) {
      const STRING_CONTENT = 4;
      encoding.writeUint8(e, STRING_CONTENT | (item.origin ? 0x80 : 0));
      if (item.origin) {
        encoding.writeVarUint(e, item.origin.client);
        encoding.writeVarUint(e, item.origin.clock);
      } else {
        encoding.writeVarUint(e, 1); // parent is a root type, named next
        encoding.writeVarString(e, item.parentRoot ?? 'code');
      }
      encoding.writeVarString(e, item.text);
    }
  }
  const byClient = new Map<number, [number, number][]>();
  for (const [c, clock, len] of deletes) byClient.set(c, [...(byClient.get(c) ?? []), [clock, len]]);
  encoding.writeVarUint(e, byClient.size);
  for (const [c, ranges] of byClient) {
    encoding.writeVarUint(e, c);
    encoding.writeVarUint(e, ranges.length);
    for (const [clock, len] of ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  }
  return encoding.toUint8Array(e);
}

/** A y-websocket sync-update frame carrying `update`. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}
