import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { HTTP_STATUS_BY_ERROR, type ErrorBody, type ErrorId } from '../../shared/errors.ts';

/** Answers a WebSocket upgrade with a plain HTTP error, before any protocol byte is sent. */
export function rejectUpgrade(socket: Duplex, errorId: ErrorId, message: string): void {
  const status = HTTP_STATUS_BY_ERROR[errorId];
  const body = JSON.stringify({ error: { id: errorId, message } } satisfies ErrorBody);
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
