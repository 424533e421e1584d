import { transform } from 'esbuild';
import { javascriptRuntime } from './javascript.ts';
import type { LanguageRuntime } from './language.ts';

/** TypeScript is transpiled on the host (no type check, so it starts fast), then run as JavaScript. */
export function typescriptRuntime(node: string): LanguageRuntime {
  const javascript = javascriptRuntime(node);
  return {
    ...javascript,
    id: 'typescript',
    async prepare(code) {
      try {
        const result = await transform(code, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: 'main.ts' });
        return { ok: true, code: result.code };
      } catch (error) {
        const messages = (error as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors ?? [];
        const stderr = messages.map((m) => `main.ts:${m.location?.line ?? 0}:${m.location?.column ?? 0}: ${m.text}`).join('\n');
        return { ok: false, stderr: `${stderr || (error as Error).message}\n` };
      }
    },
  };
}
