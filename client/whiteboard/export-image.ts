// PNG and SVG downloads of the board, made in the browser by Excalidraw (fonts come from our origin).
import { exportToBlob, exportToSvg } from '@excalidraw/excalidraw';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function scene(api: ExcalidrawImperativeAPI) {
  return { elements: api.getSceneElements(), appState: { ...api.getAppState(), exportBackground: true }, files: api.getFiles() };
}

export async function exportPng(api: ExcalidrawImperativeAPI, name: string): Promise<void> {
  download(await exportToBlob({ ...scene(api), mimeType: 'image/png' }), `${name}.png`);
}

export async function exportSvg(api: ExcalidrawImperativeAPI, name: string): Promise<void> {
  const svg = await exportToSvg(scene(api));
  download(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}
