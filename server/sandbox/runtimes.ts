import type { Language } from '../../shared/room.ts';
import { javascriptRuntime } from './languages/javascript.ts';
import type { LanguageRuntime } from './languages/language.ts';
import { pythonRuntime } from './languages/python.ts';
import { typescriptRuntime } from './languages/typescript.ts';

/** Languages that run in the process sandbox (SQL runs on PGlite instead). */
export type SandboxLanguage = Exclude<Language, 'sql'>;
export const SANDBOX_LANGUAGES: SandboxLanguage[] = ['python', 'javascript', 'typescript'];

export function sandboxRuntimes(pythonPath: string, nodePath: string): Record<SandboxLanguage, LanguageRuntime> {
  return {
    python: pythonRuntime(pythonPath),
    javascript: javascriptRuntime(nodePath),
    typescript: typescriptRuntime(nodePath),
  };
}
