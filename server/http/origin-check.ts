// Browsers send Origin on WebSocket handshakes (and Socket.IO polling). A page on another
// site holding a leaked link must not be able to open our sockets, so a browser's Origin
// must be this server's own host or one listed in ALLOWED_ORIGINS. Clients that send no
// Origin (scripts, tests, other servers) are not browsers and are not affected.
import type { IncomingMessage } from 'node:http';

const HOST_PATTERN = /^[a-z0-9.\-_[\]:]+$/i;

/** The host the browser addressed: Host, or X-Forwarded-Host behind a trusted proxy. Undefined when absent or malformed. */
export function requestHost(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const raw = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || req.headers.host;
  const host = raw?.trim().toLowerCase();
  return host && HOST_PATTERN.test(host) ? host : undefined;
}

/** ALLOWED_ORIGINS (comma-separated) as normalized origins; entries that are not URLs are dropped. */
export function parseAllowedOrigins(csv: string): string[] {
  return csv
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .flatMap((entry) => {
      try {
        const origin = new URL(entry).origin;
        return origin === 'null' ? [] : [origin];
      } catch {
        return [];
      }
    });
}

export function isAllowedOrigin(req: IncomingMessage, allowedExtra: string[], trustProxy: boolean): boolean {
  const header = req.headers.origin;
  if (header === undefined) return true;
  let origin: URL;
  try {
    origin = new URL(header);
  } catch {
    return false; // includes "null" (sandboxed frames, file: pages)
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') return false;
  if (allowedExtra.includes(origin.origin)) return true;
  const host = requestHost(req, trustProxy);
  if (!host) return false;
  try {
    // Through URL so a default port written out ("example.com:443") still matches.
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}
