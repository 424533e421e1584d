import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { excalidrawAssets } from './vite-plugins/excalidraw-assets.ts';

const backend = process.env.BACKEND_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: 'client',
  plugins: [react(), excalidrawAssets()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // Monaco's language services are large by nature; they load lazily and are served by us.
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' },
  server: {
    // `npm run dev`: Vite serves the client and forwards everything else to `npm run serve`.
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/yjs': { target: backend, ws: true },
      '/socket.io': { target: backend, ws: true },
    },
  },
});
