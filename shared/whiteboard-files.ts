// Images on the whiteboard are stored by the server, not in the shared document: the board's
// image elements name a file id, and each browser fetches the bytes from the room's file API.

/** Largest image accepted, in bytes (Excalidraw already downscales big pictures). */
export const WHITEBOARD_FILE_MAX_BYTES = 2 * 1024 * 1024;

export const WHITEBOARD_FILE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;
export type WhiteboardFileType = (typeof WHITEBOARD_FILE_TYPES)[number];

export const WHITEBOARD_FILE_ID = /^[A-Za-z0-9_-]{1,100}$/;

export const isWhiteboardFileType = (type: string): type is WhiteboardFileType => (WHITEBOARD_FILE_TYPES as readonly string[]).includes(type);

export const whiteboardFilePath = (roomId: string, fileId: string) =>
  `/api/rooms/${encodeURIComponent(roomId)}/whiteboard/files/${encodeURIComponent(fileId)}`;
