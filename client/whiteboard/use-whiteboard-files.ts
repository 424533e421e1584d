// Images on the board: Excalidraw keeps their bytes in its `files` (data URLs) and image
// elements name them by fileId. Only the elements go through the shared document; the bytes
// are PUT to the room's file API once, and fetched from it (with the Bearer header) by every
// browser whose canvas lacks them. Images over the server's cap are not shared at all.
import type { BinaryFileData, BinaryFiles, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { downloadWhiteboardFile } from './download-file.ts';
import { WHITEBOARD_FILE_ID, WHITEBOARD_FILE_MAX_BYTES, isWhiteboardFileType, whiteboardFilePath } from '../../shared/whiteboard-files.ts';

/** A 404 may only mean the uploader's PUT has not landed yet: ask again, a few times. */
const FETCH_RETRIES = 8;
const FETCH_RETRY_MS = 750;

interface ImageLike {
  type: string;
  fileId?: unknown;
  isDeleted?: boolean;
}

/** Bytes a base64 data URL decodes to. */
function dataUrlBytes(dataURL: string): Uint8Array | undefined {
  const match = /^data:[^,]*;base64,(.*)$/s.exec(dataURL);
  if (!match) return undefined;
  const binary = atob(match[1]!);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export function useWhiteboardFiles(roomId: string, token: string, api: ExcalidrawImperativeAPI | undefined) {
  /** Ids this browser uploaded, is uploading, or got from the server: never PUT again. */
  const shared = useRef(new Set<string>());
  /** Ids being fetched (or given up on). */
  const requested = useRef(new Set<string>());
  /** Local images that are not shared (too large, or refused by the server). */
  const unshared = useRef(new Set<string>());
  const [message, setMessage] = useState<string>();
  /** Ids of the files the canvas holds, sorted and comma-separated (data-loaded-files). */
  const [loaded, setLoaded] = useState('');
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const refuse = useCallback((id: string, why: string) => {
    unshared.current.add(id);
    setMessage(why);
  }, []);

  const upload = useCallback(
    (file: BinaryFileData) => {
      const id = String(file.id);
      shared.current.add(id);
      const bytes = dataUrlBytes(file.dataURL);
      if (!WHITEBOARD_FILE_ID.test(id) || !isWhiteboardFileType(file.mimeType) || !bytes) {
        refuse(id, 'This kind of image cannot be shared on the board; only you see it.');
        return;
      }
      if (bytes.byteLength > WHITEBOARD_FILE_MAX_BYTES) {
        refuse(id, `This image is ${megabytes(bytes.byteLength)}; images on the board can be at most ${megabytes(WHITEBOARD_FILE_MAX_BYTES)}. It is not shared: only you see it.`);
        return;
      }
      fetch(whiteboardFilePath(roomId, id), {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': file.mimeType },
        body: bytes as BlobPart,
      }).then(
        async (response) => {
          if (response.ok || !alive.current) return;
          const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
          refuse(id, `The image could not be shared: ${body?.error?.message ?? `the server answered ${response.status}`}`);
        },
        () => {
          // Offline for a moment: try again on a later change.
          shared.current.delete(id);
        },
      );
    },
    [roomId, token, refuse],
  );

  /** From Excalidraw's onChange: uploads files not shared yet. */
  const onFiles = useCallback(
    (files: BinaryFiles) => {
      const ids = Object.keys(files).sort().join(',');
      setLoaded((previous) => (previous === ids ? previous : ids));
      for (const [id, file] of Object.entries(files)) if (!shared.current.has(id)) upload(file);
    },
    [upload],
  );

  const fetchFile = useCallback(
    async (id: string, excalidraw: ExcalidrawImperativeAPI) => {
      for (let attempt = 0; attempt <= FETCH_RETRIES && alive.current; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FETCH_RETRY_MS * attempt));
        let file: Awaited<ReturnType<typeof downloadWhiteboardFile>>;
        try {
          file = await downloadWhiteboardFile(roomId, token, id);
        } catch {
          continue; // network trouble: try again
        }
        if (file === 'missing') continue;
        if (!file) break;
        if (!alive.current) return;
        shared.current.add(id);
        excalidraw.addFiles([file]);
        return;
      }
      // Left in `requested`: a later scene change does not start over. A reload tries again.
    },
    [roomId, token],
  );

  /** Fetches the files of image elements that the canvas does not have. */
  const ensureFiles = useCallback(
    (elements: readonly ImageLike[]) => {
      if (!api) return;
      const have = api.getFiles();
      for (const element of elements) {
        if (element.type !== 'image' || element.isDeleted || typeof element.fileId !== 'string') continue;
        const id = element.fileId;
        if (have[id] || requested.current.has(id) || !WHITEBOARD_FILE_ID.test(id)) continue;
        requested.current.add(id);
        void fetchFile(id, api);
      }
    },
    [api, fetchFile],
  );

  /**
   * Whether an element may go to the shared document. An image waits until its file is
   * uploaded or came from the server (Excalidraw shows it before it has read the file), and an
   * image that is not shared never goes.
   */
  const isShareable = useCallback((element: ImageLike) => {
    if (element.type !== 'image') return true;
    if (typeof element.fileId !== 'string') return false; // its file is still being read
    const id = element.fileId;
    return !unshared.current.has(id) && (shared.current.has(id) || requested.current.has(id));
  }, []);

  return { onFiles, ensureFiles, isShareable, loaded, message, dismissMessage: () => setMessage(undefined) };
}
