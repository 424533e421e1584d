// The board as an SVG document, made from the shared document alone (no canvas needs to be
// open): Excalidraw's export runs in the browser and inlines the fonts, so the report's
// drawing renders offline.
import type * as Y from 'yjs';
import { YDOC } from '../../shared/room.ts';
import { sortByIndex } from './element-order.ts';
import { parseElement, type WhiteboardElement } from './element-schema.ts';

export async function boardSvg(doc: Y.Doc): Promise<string | undefined> {
  const elements: WhiteboardElement[] = [];
  doc.getMap(YDOC.whiteboardMap).forEach((raw, key) => {
    const element = parseElement(raw, key);
    if (element && !element.isDeleted) elements.push(element);
  });
  if (elements.length === 0) return undefined;
  // Loaded only when needed: Excalidraw is a large bundle.
  const { exportToSvg } = await import('@excalidraw/excalidraw');
  const svg = await exportToSvg({
    elements: sortByIndex(elements) as never,
    appState: { exportBackground: true, viewBackgroundColor: '#ffffff' },
    files: null,
  });
  return new XMLSerializer().serializeToString(svg);
}
