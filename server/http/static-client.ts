import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** Serves the built client; any non-API path falls back to index.html (client-side routing). */
export function staticClientRouter(distDir: string): Router {
  const router = Router();
  const indexHtml = path.join(distDir, 'index.html');
  // Hashed asset names never change content, so browsers may keep them for a year.
  router.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(express.static(distDir, { index: false }));
  router.get(/^\/(?!api\/|yjs\/|socket\.io\/|healthz).*/, (_req, res, next) => {
    if (!fs.existsSync(indexHtml)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });
  return router;
}
