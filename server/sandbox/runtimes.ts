import type { Config } from '../config.ts';
import type { Language } from '../../shared/room.ts';
import { javascriptRuntime } from './languages/javascript.ts';
import type { LanguageRuntime } from './languages/language.ts';
import { pythonRuntime } from './languages/python.ts';
import { pglitePackageDir, sqlRuntime } from './languages/sql/sql.ts';
import { typescriptRuntime } from './languages/typescript.ts';

/** Every language runs in the process sandbox, each described by one descriptor. */
export const SANDBOX_LANGUAGES: Language[] = ['python', 'javascript', 'typescript', 'sql'];

export function sandboxRuntimes(config: Config, nodePath: string): Record<Language, LanguageRuntime> {
  return {
    python: pythonRuntime(config.SANDBOX_PYTHON_PATH),
    javascript: javascriptRuntime(nodePath),
    typescript: typescriptRuntime(nodePath),
    sql: sqlRuntime({
      node: nodePath,
      pgliteDir: pglitePackageDir(),
      memoryBytes: config.SQL_RUN_MEMORY_BYTES,
      warmPoolSize: config.SQL_WARM_POOL_SIZE,
    }),
  };
}
