import pino from 'pino';

export type Logger = pino.Logger;

/** Strips secrets from a URL before it reaches a log line. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]').replace(/#.*$/, '');
}

/** A server address for logs: host, port and database, never the user or password. */
export function describeServerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    // Tokens live in Authorization headers and the `token` query parameter; neither is logged.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'], censor: '[redacted]' },
  });
}
