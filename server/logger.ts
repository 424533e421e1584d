import pino from 'pino';

export type Logger = pino.Logger;

/** Strips secrets from a URL before it reaches a log line. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]').replace(/#.*$/, '');
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    // Tokens live in Authorization headers and the `token` query parameter; neither is logged.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'], censor: '[redacted]' },
  });
}
