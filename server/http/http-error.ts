import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError, ZodType } from 'zod';
import { ERROR_TEXT, HTTP_STATUS_BY_ERROR, type ErrorBody, type ErrorId } from '../../shared/errors.ts';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../logger.ts';

/** Routes' own errors; services throw AppError (the boundaries issue converts the rest). */
export class HttpError extends AppError {}

export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Parses a request body with a schema, or throws a 400 naming every problem. */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new HttpError('bad_request', `Invalid request body: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Refuses bodies that are not JSON instead of silently ignoring them. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    return next(new HttpError('bad_request', 'Send the body as JSON with "Content-Type: application/json".'));
  }
  next();
};

export function sendError(res: Parameters<RequestHandler>[1], id: ErrorId, message: string): void {
  res.status(HTTP_STATUS_BY_ERROR[id]).json({ error: { id, message } } satisfies ErrorBody);
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Last middleware: every error becomes { error: { id, message } }, never a stack trace. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof AppError) return sendError(res, error.id, error.message);
    const parserError = error as BodyParserError;
    if (parserError.type === 'entity.too.large') {
      return sendError(res, 'body_too_large', `The request body is larger than the ${parserError.limit ?? ''} bytes this endpoint accepts.`);
    }
    if (parserError.type === 'entity.parse.failed') {
      return sendError(res, 'bad_request', 'The request body is not valid JSON.');
    }
    if (parserError.status === 404) return sendError(res, 'not_found', ERROR_TEXT.not_found);
    if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
      // Body-parser messages (they carry a `type`) are written for clients; other errors may
      // carry internals such as file paths.
      return sendError(res, 'bad_request', parserError.type ? (error as Error).message : ERROR_TEXT.bad_request);
    }
    log.error({ err: error }, 'unhandled request error');
    sendError(res, 'internal', 'Internal server error.');
  };
}
