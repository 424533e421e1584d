// Where Excalidraw loads its fonts from: our own origin (vite-plugins/excalidraw-assets.ts puts
// them there). Imported before Excalidraw itself; without it the fonts would come from a CDN.
declare global {
  interface Window {
    EXCALIDRAW_ASSET_PATH?: string | string[];
  }
}

window.EXCALIDRAW_ASSET_PATH = '/excalidraw-assets/';

export {};
