// Windows clients and scripts may insert "\r\n"; Monaco would silently turn that into "\n"
// and its offsets would drift from the shared text. The server rewrites carriage returns
// inside the same transaction that applied the update, so nobody ever sees one. Only the
// server does this, so the rewrite cannot be duplicated by two clients racing to fix it.
import * as Y from 'yjs';
import { YDOC } from '../../shared/room.ts';

const CARRIAGE_RETURN = 13;

/** Cheap pre-check on the raw update: no 0x0D byte means no "\r" can have been inserted. */
export function mayContainCarriageReturn(update: Uint8Array): boolean {
  return update.includes(CARRIAGE_RETURN);
}

function isCodeText(name: string): boolean {
  return name === YDOC.codeText || name.startsWith(`${YDOC.codeText}:`);
}

/** Rewrites "\r\n" and lone "\r" to "\n" in every code buffer. Returns true if anything changed. Call inside a transaction. */
export function normalizeLineEndings(doc: Y.Doc): boolean {
  let changed = false;
  for (const name of doc.share.keys()) {
    if (!isCodeText(name)) continue;
    let text: Y.Text;
    try {
      text = doc.getText(name);
    } catch {
      continue; // a root of another type under a code-like name: not ours to rewrite
    }
    const value = text.toString();
    // Walk backwards so earlier indices stay valid while we edit.
    for (let i = value.lastIndexOf('\r'); i !== -1; i = i === 0 ? -1 : value.lastIndexOf('\r', i - 1)) {
      text.delete(i, 1);
      if (value[i + 1] !== '\n') text.insert(i, '\n');
      changed = true;
    }
  }
  return changed;
}
