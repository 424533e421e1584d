// One board image from the room's file API, as Excalidraw's file record (a data URL).
import type { BinaryFileData, DataURL } from '@excalidraw/excalidraw/types';
import type { FileId } from '@excalidraw/excalidraw/element/types';
import { isWhiteboardFileType, whiteboardFilePath } from '../../shared/whiteboard-files.ts';

export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image'));
    reader.readAsDataURL(blob);
  });
}

/** 'missing' when the server has no such file (yet); undefined when it can never be used. */
export async function downloadWhiteboardFile(roomId: string, token: string, id: string): Promise<BinaryFileData | 'missing' | undefined> {
  const response = await fetch(whiteboardFilePath(roomId, id), { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 404) return 'missing';
  if (!response.ok) return undefined;
  const mimeType = (response.headers.get('Content-Type') ?? '').split(';')[0]!.trim();
  if (!isWhiteboardFileType(mimeType)) return undefined;
  const dataURL = await blobToDataUrl(await response.blob());
  return { id: id as FileId, mimeType, dataURL: dataURL as DataURL, created: Date.now() };
}
