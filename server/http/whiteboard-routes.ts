// Images pasted or dropped on the whiteboard. The shared document only names them (an image
// element's fileId); the bytes live here, capped in size, and either role can read or add them.
// Files are immutable by id: a second upload of an id changes nothing.
import express, { Router, type RequestHandler } from 'express';
import {
  WHITEBOARD_FILE_ID,
  WHITEBOARD_FILE_MAX_BYTES,
  WHITEBOARD_FILE_TYPES,
  isWhiteboardFileType,
} from '../../shared/whiteboard-files.ts';
import type { Config } from '../config.ts';
import type { Store } from '../persistence/store.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { HttpError } from './http-error.ts';
import { requireRoomAccess } from './room-access.ts';

const FILE_PATH = '/api/rooms/:roomId/whiteboard/files/:fileId';
const MAX_MB = WHITEBOARD_FILE_MAX_BYTES / (1024 * 1024);

function fileIdOf(params: Record<string, unknown>): string {
  const fileId = params.fileId;
  if (typeof fileId !== 'string' || !WHITEBOARD_FILE_ID.test(fileId)) {
    throw new HttpError('bad_request', 'A file id is 1 to 100 letters, digits, "-" or "_".');
  }
  return fileId;
}

/** The media type without parameters, lower-cased ("image/svg+xml; charset=utf-8" → "image/svg+xml"). */
const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

export function whiteboardRouter(options: { rooms: RoomService; store: Store; config: Config }): Router {
  const { rooms, store, config } = options;
  const router = Router();

  // Access, id and type are checked before the body is read: nobody without a link gets to send 2 MB.
  const checkUpload: RequestHandler = async (req, res, next) => {
    const { room } = await requireRoomAccess(rooms, req, config.TRUST_PROXY);
    const fileId = fileIdOf(req.params);
    const type = mediaType(req.headers['content-type']);
    if (!isWhiteboardFileType(type)) {
      throw new HttpError('bad_request', `Send the image with "Content-Type" one of ${WHITEBOARD_FILE_TYPES.join(', ')}.`);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > WHITEBOARD_FILE_MAX_BYTES) {
      throw new HttpError('body_too_large', `Images on the whiteboard can be at most ${MAX_MB} MB.`);
    }
    res.locals.upload = { roomId: room.id, fileId, type };
    next();
  };

  const readBody = express.raw({ type: () => true, limit: WHITEBOARD_FILE_MAX_BYTES });
  // A body over the limit without a Content-Length (chunked) is stopped by the parser; say it plainly.
  const parseImage: RequestHandler = (req, res, next) => {
    readBody(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new HttpError('body_too_large', `Images on the whiteboard can be at most ${MAX_MB} MB.`));
      }
      next(error);
    });
  };

  router.put(FILE_PATH, checkUpload, parseImage, async (req, res) => {
    const { roomId, fileId, type } = res.locals.upload as { roomId: string; fileId: string; type: string };
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError('bad_request', 'Send the image bytes as the request body.');
    // Files are kept for the report and replay, so a room's total is capped, not only each file.
    const used = await store.whiteboardFileBytes(roomId);
    if (used + body.length > config.WHITEBOARD_FILES_MAX_BYTES) {
      const maxMb = Math.round(config.WHITEBOARD_FILES_MAX_BYTES / (1024 * 1024));
      throw new HttpError('limit_reached', `This room's whiteboard already holds ${maxMb} MB of images, its limit: no more images can be added to it.`);
    }
    await store.saveWhiteboardFile(roomId, fileId, type, new Uint8Array(body.buffer, body.byteOffset, body.byteLength), Date.now());
    res.status(204).end();
  });

  router.get(FILE_PATH, async (req, res) => {
    const { room } = await requireRoomAccess(rooms, req, config.TRUST_PROXY);
    const fileId = fileIdOf(req.params);
    const file = await store.getWhiteboardFile(room.id, fileId);
    if (!file) throw new HttpError('not_found', 'No such image on this whiteboard.');
    res.setHeader('Content-Type', file.mimeType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // A hostile SVG opened on its own runs no script and loads nothing.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    // Immutable by id, but behind a token: browsers may keep it, shared caches may not.
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
  });

  return router;
}
