// Serves Excalidraw's fonts from our own origin: in `vite` (dev) straight from node_modules,
// and in `vite build` copied into the output, under /excalidraw-assets/. The client sets
// window.EXCALIDRAW_ASSET_PATH to that path, so no font is ever fetched from a CDN.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export const EXCALIDRAW_ASSET_BASE = '/excalidraw-assets/';
const FONTS_DIR = fileURLToPath(new URL('../node_modules/@excalidraw/excalidraw/dist/prod/fonts', import.meta.url));

export function excalidrawAssets(): Plugin {
  let outDir = '';
  return {
    name: 'excalidraw-assets',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
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
