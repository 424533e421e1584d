// y-websocket frames for the light clients: pre-encoded keystrokes to send, and a decoder
// that reads only the first few varints of a received frame. The marker of a relayed
// keystroke is the head of its Yjs update (v1 encoding): the typing client's id and the
// clock of the character, which is also its keystroke number (one character per keystroke,
// from clock 0).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { codeText, cursorAt, cursorState, keystrokeChar, userState } from './keystrokes.ts';
import type { Slot } from './servers.ts';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** Yjs client ids of the two light clients of every room (rooms are separate documents). */
export const LIGHT_CLIENT_IDS: readonly [number, number] = [0x10_0001, 0x10_0002];

export interface KeystrokeScript {
  clientId: number;
  /** keystroke k: [sync, update, Yjs update inserting one character] */
  updates: Uint8Array[];
  /** keystroke k: [awareness, {user, cursor}], clocks increasing */
  awareness: Uint8Array[];
}

/** Types `count` characters into a local document and records the frames a client would send. */
export function buildScript(slot: Slot, count: number): KeystrokeScript {
  const doc = new Y.Doc();
  doc.clientID = LIGHT_CLIENT_IDS[slot];
  const text = codeText(doc);
  const awareness = new awarenessProtocol.Awareness(doc);
  const updates: Uint8Array[] = [];
  const awarenessFrames: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(frame(MESSAGE_SYNC, SYNC_UPDATE, update)));
  awareness.setLocalStateField('user', userState(slot));
  for (let k = 0; k < count; k++) {
    text.insert(text.length, keystrokeChar(k));
    awareness.setLocalStateField('cursor', cursorState(cursorAt(text, text.length)));
    awarenessFrames.push(frame(MESSAGE_AWARENESS, undefined, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])));
  }
  awareness.destroy();
  doc.destroy();
  return { clientId: LIGHT_CLIENT_IDS[slot], updates, awareness: awarenessFrames };
}

function frame(type: number, syncType: number | undefined, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  if (syncType !== undefined) encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1 with an empty state vector: the server answers with its whole document. */
export const WHOLE_STATE_REQUEST = frame(MESSAGE_SYNC, SYNC_STEP1, Y.encodeStateVector(new Y.Doc()));

export type Received =
  | { kind: 'update'; client: number; clock: number }
  | { kind: 'whole-state'; update: Uint8Array }
  | { kind: 'other' };

const OTHER: Received = { kind: 'other' };

/** Reads just enough of a server frame to attribute it; everything else is 'other'. */
export function readReceived(data: Uint8Array): Received {
  const decoder = decoding.createDecoder(data);
  if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return OTHER;
  const syncType = decoding.readVarUint(decoder);
  if (syncType === SYNC_STEP2) return { kind: 'whole-state', update: decoding.readVarUint8Array(decoder) };
  if (syncType !== SYNC_UPDATE) return OTHER;
  decoding.readVarUint(decoder); // update length
  if (decoding.readVarUint(decoder) === 0) return OTHER; // no structs (a delete-only update)
  decoding.readVarUint(decoder); // number of structs of the first client
  const client = decoding.readVarUint(decoder);
  return { kind: 'update', client, clock: decoding.readVarUint(decoder) };
}

/** Characters in the shared text of a whole-state update. */
export function textLengthOf(update: Uint8Array): number {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  const length = codeText(doc).length;
  doc.destroy();
  return length;
}
