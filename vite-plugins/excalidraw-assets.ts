// Serves Excalidraw's fonts from our own origin: in `vite` (dev) straight from node_modules,
// and in `vite build` copied into the output, under /excalidraw-assets/. The client sets
// window.EXCALIDRAW_ASSET_PATH to that path, so no font is ever fetched from a CDN.
//
// The build also fits Excalidraw to the server's Content-Security-Policy (server/http/security-headers.ts):
// - Excalidraw lists a CDN copy (esm.sh) after ours in every font's sources; browsers check
//   the CSP on all of them, so each font logged a violation. The fallback becomes ours too.
// - Its font-subsetting worker (used by exports) must not share chunks with the app, which
//   touches `document` and kills the worker; it gets its own chunk, EXCALIDRAW_SUBSET_CHUNK,
//   the one script the server lets evaluate strings (Emscripten glue needs it).
// - That worker gets 10 s instead of 1 s to answer: on a busy machine it took longer to start,
//   and Excalidraw then subsets on the page itself, where the CSP forbids that glue's eval.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export const EXCALIDRAW_ASSET_BASE = '/excalidraw-assets/';
/** Built as /assets/excalidraw-subset-<hash>.js; server/http/security-headers.ts matches that name. */
export const EXCALIDRAW_SUBSET_CHUNK = 'excalidraw-subset';
const SUBSET_WORKER_TIMEOUT_MS = 10_000;
const PROD_DIR = fileURLToPath(new URL('../node_modules/@excalidraw/excalidraw/dist/prod', import.meta.url));
const FONTS_DIR = path.join(PROD_DIR, 'fonts');

/** The subset worker's file and every file it imports, read from Excalidraw's own build. */
function subsetWorkerFiles(): Set<string> {
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, relative] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"(\.\/[^"]+\.js)"/g)) {
      visit(path.resolve(path.dirname(file), relative!));
    }
  };
  visit(fs.realpathSync(path.join(PROD_DIR, 'subset-worker.chunk.js'))); // module ids are real paths
  return files;
}

export function excalidrawAssets(): Plugin {
  let outDir = '';
  let building = false;
  return {
    name: 'excalidraw-assets',
    config() {
      const worker = subsetWorkerFiles();
      return {
        build: {
          rollupOptions: {
            output: { manualChunks: (id: string) => (worker.has(id) ? EXCALIDRAW_SUBSET_CHUNK : undefined) },
          },
        },
      };
    },
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      building = config.command === 'build';
    },
    // Built code only: `vite` (dev) sends no CSP and serves Excalidraw pre-bundled.
    transform(code, id) {
      if (!building || !id.includes('/@excalidraw/excalidraw/dist/') || !code.includes('"ASSETS_FALLBACK_URL"')) return undefined;
      const ownFallback = code.replace(/("ASSETS_FALLBACK_URL",)`https:\/\/esm\.sh\/.*?\/dist\/prod\/`/, `$1\`\${globalThis.location.origin}${EXCALIDRAW_ASSET_BASE}\``);
      if (ownFallback === code) this.error('Excalidraw changed: its CDN font fallback (ASSETS_FALLBACK_URL) was not found');
      const patientWorkers = ownFallback.replace(/(workerTTL=\w+\.ttl\|\|)1e3/, `$1${SUBSET_WORKER_TIMEOUT_MS}`);
      if (patientWorkers === ownFallback) this.error('Excalidraw changed: its worker pool timeout (workerTTL) was not found');
      return { code: patientWorkers, map: null };
    },
    configureServer(server) {
      server.middlewares.use(`${EXCALIDRAW_ASSET_BASE}fonts/`, (req, res, next) => {
        const relative = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        const file = path.resolve(FONTS_DIR, `.${relative}`);
        if (!file.startsWith(FONTS_DIR + path.sep) || !fs.existsSync(file)) return next();
        res.setHeader('Content-Type', file.endsWith('.woff2') ? 'font/woff2' : 'application/octet-stream');
        fs.createReadStream(file).pipe(res);
      });
    },
    writeBundle() {
      fs.cpSync(FONTS_DIR, path.join(outDir, EXCALIDRAW_ASSET_BASE, 'fonts'), { recursive: true });
    },
  };
}
