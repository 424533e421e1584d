// Monaco is bundled and served by us: @monaco-editor/react is told to use this copy instead
// of fetching one from a CDN, and its web workers are built by Vite.
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/esm/vs/language/typescript/ts.worker?worker';
import type { Language } from '../../shared/room.ts';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker();
  },
};
loader.config({ monaco });

export { monaco };

/** Monaco's language id for each room language (they happen to match; keep the map explicit). */
export const MONACO_LANGUAGE: Record<Language, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  sql: 'sql',
};
