// Security headers on every response (helmet), with a Content-Security-Policy under which the
// built client works fully offline from our own origin and nothing else: Monaco (workers are
// same-origin files built by Vite; it injects <style> elements), Excalidraw (inline styles,
// data:/blob: images, fonts from /excalidraw-assets/, WebAssembly for image resizing and
// font subsetting), and WebSockets to this host only. No third-party origin appears anywhere.
//
// Deliberately absent: upgrade-insecure-requests and HSTS, since installs on a LAN are often
// plain HTTP and those would break them. Routes may replace the CSP with a stricter one
// (whiteboard image downloads do).
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { contentSecurityPolicy } from 'helmet';
import { requestHost } from './origin-check.ts';

/**
 * Excalidraw's font-subsetting worker (used when exporting the board): its WebAssembly glue
 * builds functions from strings (Emscripten embind), so it needs 'unsafe-eval'. A dedicated
 * worker gets the policy of its own script's response, so only this worker gets it, never a
 * page (a page ignores the CSP header of a script it imports). The build puts the worker in
 * its own chunk named excalidraw-subset (vite-plugins/excalidraw-assets.ts); Excalidraw's
 * own name is kept for a build without that split.
 */
const EVAL_WORKER_PATH = /^\/assets\/(subset-worker\.chunk|excalidraw-subset)-[\w-]+\.js$/;

/** ws: and wss: of the host the browser addressed ('self' covers them in current browsers; older Safari needs them spelled out). */
function sameHostSockets(req: IncomingMessage, trustProxy: boolean): string {
  const host = requestHost(req, trustProxy);
  // CSP host sources cannot spell IPv6 literals; 'self' still covers those.
  if (!host || host.startsWith('[')) return '';
  return `ws://${host} wss://${host}`;
}

export function securityHeaders(options: { trustProxy: boolean }): RequestHandler {
  const directives = {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    // WebAssembly only ('wasm-unsafe-eval' allows compiling wasm, not evaluating strings).
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", (req: IncomingMessage) => sameHostSockets(req, options.trustProxy)],
    'worker-src': ["'self'"],
    'frame-src': ["'self'"],
    'object-src': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  const everywhere = helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  });
  const evalWorker = contentSecurityPolicy({
    useDefaults: false,
    directives: { ...directives, 'script-src': [...directives['script-src'], "'unsafe-eval'"] },
  });
  return (req, res, next) => {
    everywhere(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (EVAL_WORKER_PATH.test(req.path)) return evalWorker(req, res, next);
      next();
    });
  };
}
