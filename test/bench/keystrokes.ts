// What a benchmark client types and shows: one character per keystroke into the shared code
// text, and an awareness state with the user and a cursor (relative positions, as y-monaco
// sends them). Shared by the provider clients and the pre-encoded light clients.
import * as Y from 'yjs';
import { YDOC } from '../../shared/room.ts';
import type { Slot } from './servers.ts';

// No "\r": the server rewrites carriage returns, which would change the relayed update.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz(_):= .\n';

export const keystrokeChar = (keystroke: number): string => ALPHABET[keystroke % ALPHABET.length] ?? 'x';

export const codeText = (doc: Y.Doc): Y.Text => doc.getText(YDOC.codeText);

export const userState = (slot: Slot) =>
  slot === 0 ? { name: 'Bench Interviewer', color: '#1f77b4' } : { name: 'Bench Candidate', color: '#ff7f0e' };

/** A collapsed selection after `index`, sticking to the character before it. */
export function cursorAt(text: Y.Text, index: number): Y.RelativePosition {
  return Y.createRelativePositionFromTypeIndex(text, index, -1);
}

export function cursorState(cursor: Y.RelativePosition) {
  const json = Y.relativePositionToJSON(cursor);
  return { anchor: json, head: json };
}
