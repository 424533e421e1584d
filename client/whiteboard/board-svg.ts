// The board as an SVG document, made from the shared document alone (no canvas needs to be
// open): Excalidraw's export runs in the browser and inlines the fonts, so the report's
// drawing renders offline.
import type * as Y from 'yjs';
import { YDOC } from '../../shared/room.ts';
import type { BinaryFiles } from '@excalidraw/excalidraw/types';
import { downloadWhiteboardFile } from './download-file.ts';
import { sortByIndex } from './element-order.ts';
import { parseElement, type WhiteboardElement } from '../../shared/whiteboard-element.ts';

export async function boardSvg(doc: Y.Doc, room: { roomId: string; token: string }): Promise<string | undefined> {
  const elements: WhiteboardElement[] = [];
  doc.getMap(YDOC.whiteboardMap).forEach((raw, key) => {
    const element = parseElement(raw, key);
    if (element && !element.isDeleted) elements.push(element);
  });
  if (elements.length === 0) return undefined;
  // Images are stored on the server, not in the document: fetch the ones on the board.
  const files: BinaryFiles = {};
  for (const element of elements) {
    const fileId = (element as { fileId?: unknown }).fileId;
    if (element.type !== 'image' || typeof fileId !== 'string' || files[fileId]) continue;
    const file = await downloadWhiteboardFile(room.roomId, room.token, fileId).catch(() => undefined);
    if (file && file !== 'missing') files[fileId] = file;
  }
  // Loaded only when needed: Excalidraw is a large bundle.
  const { exportToSvg } = await import('@excalidraw/excalidraw');
  const svg = await exportToSvg({
    elements: sortByIndex(elements) as never,
    appState: { exportBackground: true, viewBackgroundColor: '#ffffff' },
    files,
  });
  return new XMLSerializer().serializeToString(svg);
}
