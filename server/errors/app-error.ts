// The one error type services throw: a stable id from shared/errors.ts and a message a person
// can act on. It knows no transport: http/ maps the id to a status, the sockets to their codes.
import type { ErrorId } from '../../shared/errors.ts';

export class AppError extends Error {
  constructor(
    readonly id: ErrorId,
    message: string,
  ) {
    super(message);
  }
}
