// The caller's address for per-IP limits, for HTTP requests, Socket.IO handshakes and /yjs
// upgrades alike. X-Forwarded-For is read from the right, as Express's `trust proxy` does
// (proxy-addr): each trusted hop vouches for the entry before it, and the left-most entry,
// which the client writes itself, is never trusted.
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** TRUST_PROXY, parsed once at startup. */
export interface TrustProxy {
  /** Whether the proxy at `hop` (0 = the peer of our socket) may name the address before it. */
  trust: (address: string, hop: number) => boolean;
  /** False when no proxy is trusted at all. */
  any: boolean;
  /** The setting as written, for logs. */
  setting: string;
}

const MAX_HOPS = 100;

/**
 * "false", "true" (one hop, not Express's "every hop": that would trust the left-most entry),
 * a hop count, or comma-separated proxy addresses and CIDRs (and proxy-addr's names loopback,
 * linklocal, uniquelocal). Throws on anything else.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const setting = value.trim();
  const hops = setting === 'false' ? 0 : setting === 'true' ? 1 : /^\d+$/.test(setting) ? Number(setting) : undefined;
  if (hops !== undefined) {
    if (hops > MAX_HOPS) throw new Error(`at most ${MAX_HOPS} hops`);
    return { trust: (_address, hop) => hop < hops, any: hops > 0, setting };
  }
  const list = setting.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('expected false, true, a hop count, or proxy addresses');
  // compile() throws a TypeError naming the entry that is not an address or CIDR.
  return { trust: proxyAddr.compile(list), any: true, setting };
}

export function clientIp(req: IncomingMessage, trustProxy: TrustProxy): string {
  if (!req.socket.remoteAddress) return 'unknown';
  return trustProxy.any ? proxyAddr(req, trustProxy.trust) : req.socket.remoteAddress;
}
