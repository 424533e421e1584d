// One smoke test per language feature through the real SandboxRunner (bubblewrap, cgroups,
// per-run uid): first with every run started cold, then with a warm pool of one sandbox per
// language, where each run takes a pre-started interpreter.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SandboxJob } from '../../server/sandbox/sandbox-runner.ts';
import type { RunResult } from '../../shared/run.ts';
import { BWRAP, PYTHON3, PYTHON_MATPLOTLIB, PYTHON_NUMPY, PYTHON_PANDAS, PYTHON_SKLEARN } from '../helpers/sandbox-programs.ts';
import { idleWarmInterpreters, startSandboxRunner, type TestRunner } from '../helpers/sandbox.ts';
import { requireProgram } from '../helpers/system.ts';
import { waitFor } from '../helpers/wait-for.ts';

const HAS_BWRAP = requireProgram(BWRAP);
const HAS_PYTHON = requireProgram(PYTHON3);
const HAS_DATA_STACK = [PYTHON_NUMPY, PYTHON_PANDAS, PYTHON_SKLEARN].map(requireProgram).every(Boolean);
const HAS_MATPLOTLIB = requireProgram(PYTHON_MATPLOTLIB);

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Run = (language: SandboxJob['language'], code: string, stdin?: string) => Promise<RunResult & { streamed: string }>;

/** The same programs, cold or warm: `mode` only changes what the warm-only probe expects. */
function smokeTests(mode: 'cold' | 'warm', run: Run): void {
  describe.skipIf(!HAS_PYTHON)('python', () => {
    test('print writes to stdout, streamed as it runs, and the run is ok', async () => {
      const result = await run('python', 'print("hello", 6 * 7)\nprint("second line")');
      expect(result).toMatchObject({
        language: 'python',
        status: 'ok',
        stdout: 'hello 42\nsecond line\n',
        stderr: '',
        exitCode: 0,
        signal: null,
        timedOut: false,
        truncated: false,
      });
      expect(result.streamed).toBe(result.stdout);
      expect(result.images).toBeUndefined();
    });

    test(`the interpreter is ${mode === 'warm' ? 'pre-loaded with' : 'started without'} the data-science modules`, async () => {
      const result = await run('python', 'import sys\nprint("numpy" in sys.modules, "sklearn" in sys.modules)');
      expect(result.status).toBe('ok');
      expect(result.stdout).toBe(mode === 'warm' ? 'True True\n' : 'False False\n');
    });

    test('an exception gives status "error" and a traceback that starts at main.py, without harness frames', async () => {
      const code = ['def divide(a, b):', '    return a / b', '', 'print("before")', 'divide(1, 0)', 'print("never")'].join('\n');
      const result = await run('python', code);
      expect(result.status).toBe('error');
      expect(result.exitCode).toBe(1);
      expect(result.signal).toBeNull();
      expect(result.stdout).toBe('before\n');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe('Traceback (most recent call last):');
      expect(lines[1]).toBe('  File "main.py", line 5, in <module>');
      expect(result.stderr).toContain('File "main.py", line 2, in divide');
      const frames = lines.filter((line) => line.trimStart().startsWith('File "'));
      expect(frames.every((frame) => frame.includes('File "main.py"')), result.stderr).toBe(true);
      expect(lines.at(-1)).toBe('ZeroDivisionError: division by zero');
    });

    test('a syntax error names main.py and the line, without harness frames', async () => {
      const result = await run('python', 'x = 1\nprint("unclosed"\n');
      expect(result.status).toBe('error');
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/File "main\.py", line 2/);
      expect(result.stderr).toContain('SyntaxError');
      expect(result.stderr).not.toContain('<string>');
    });

    test('stdin is passed to the program (input())', async () => {
      const result = await run('python', 'name = input()\ncount = int(input())\nprint(f"{name}:{count * 2}")', 'Ada\n21\n');
      expect(result).toMatchObject({ status: 'ok', stdout: 'Ada:42\n', stderr: '' });
    });

    test('a non-zero exit code is reported with status "error"', async () => {
      const result = await run('python', 'import sys\nprint("partial")\nsys.exit(3)');
      expect(result).toMatchObject({ status: 'error', exitCode: 3, signal: null, timedOut: false, stdout: 'partial\n' });
    });

    describe.skipIf(!HAS_DATA_STACK)('with numpy, pandas and scikit-learn', () => {
      test('imports them and computes with them', async () => {
        const code = [
          'import numpy as np',
          'import pandas as pd',
          'from sklearn.linear_model import LinearRegression',
          'X = np.arange(10).reshape(-1, 1)',
          'y = 3 * X.ravel() + 2',
          'model = LinearRegression().fit(X, y)',
          'frame = pd.DataFrame({"x": X.ravel(), "y": y})',
          'print(round(float(model.coef_[0]), 6), round(float(model.intercept_), 6), int(frame["y"].sum()))',
        ].join('\n');
        const result = await run('python', code);
        expect(result.stderr).toBe('');
        expect(result).toMatchObject({ status: 'ok', stdout: '3.0 2.0 155\n' });
      });
    });

    describe.skipIf(!HAS_MATPLOTLIB)('with matplotlib', () => {
      test('plt.show() produces one PNG image', async () => {
        const code = ['import matplotlib.pyplot as plt', 'plt.plot([1, 2, 3], [1, 4, 9])', 'plt.title("squares")', 'plt.show()', 'print("shown")'].join('\n');
        const result = await run('python', code);
        expect(result.stderr).toBe('');
        expect(result).toMatchObject({ status: 'ok', stdout: 'shown\n' });
        expect(result.images).toHaveLength(1);
        const image = result.images![0]!;
        expect(image.mimeType).toBe('image/png');
        const png = Buffer.from(image.data, 'base64');
        expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
        // IHDR: a real picture, not an empty frame.
        expect(png.readUInt32BE(16)).toBeGreaterThan(0);
        expect(png.readUInt32BE(20)).toBeGreaterThan(0);
      });
    });
  });

  describe('javascript', () => {
    test('console.log writes to stdout and the run is ok', async () => {
      const result = await run('javascript', 'console.log([1, 2, 3].map((n) => n * 2).join(","));');
      expect(result).toMatchObject({ language: 'javascript', status: 'ok', stdout: '2,4,6\n', stderr: '', exitCode: 0, signal: null });
      expect(result.streamed).toBe(result.stdout);
    });

    test('stdin is passed to the program (process.stdin)', async () => {
      const code = [
        "let data = '';",
        "process.stdin.setEncoding('utf8');",
        'process.stdin.on("data", (chunk) => { data += chunk; });',
        'process.stdin.on("end", () => console.log(data.trim().split("\\n").map(Number).reduce((a, b) => a + b, 0)));',
      ].join('\n');
      const result = await run('javascript', code, '1\n2\n39\n');
      expect(result).toMatchObject({ status: 'ok', stdout: '42\n', stderr: '' });
    });

    test('an uncaught exception gives status "error" with the message on stderr', async () => {
      const result = await run('javascript', 'console.log("before");\nthrow new Error("boom");');
      expect(result).toMatchObject({ status: 'error', exitCode: 1, stdout: 'before\n' });
      expect(result.stderr).toContain('Error: boom');
    });

    test('a non-zero exit code is reported', async () => {
      const result = await run('javascript', 'console.log("partial");\nprocess.exit(4);');
      expect(result).toMatchObject({ status: 'error', exitCode: 4, signal: null, stdout: 'partial\n' });
    });
  });

  describe('typescript', () => {
    test('a program with interfaces, generics and an enum runs', async () => {
      const code = [
        'interface Person { name: string; age: number }',
        'enum Level { Junior = 1, Senior = 3 }',
        'function oldest<T extends Person>(people: T[]): T {',
        '  return people.reduce((a, b) => (b.age > a.age ? b : a));',
        '}',
        "const team: Person[] = [{ name: 'Ada', age: 36 }, { name: 'Linus', age: 28 }];",
        'const level: Level = Level.Senior;',
        'console.log(`${oldest(team).name} ${level}`);',
      ].join('\n');
      const result = await run('typescript', code);
      expect(result).toMatchObject({ language: 'typescript', status: 'ok', stdout: 'Ada 3\n', stderr: '', exitCode: 0 });
    });

    test('a syntax error gives status "error" with a message naming main.ts and the position', async () => {
      const result = await run('typescript', 'const total: number = ;\nconsole.log(total);');
      expect(result.status).toBe('error');
      expect(result.stdout).toBe('');
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(/^main\.ts:1:\d+: /);
      expect(result.streamed).toBe(result.stderr);
    });
  });
}

describe.skipIf(!HAS_BWRAP)('cold sandboxes (RUN_WARM_POOL_SIZE=0)', () => {
  let sandbox: TestRunner;
  beforeAll(() => {
    sandbox = startSandboxRunner({ RUN_WARM_POOL_SIZE: '0', RUN_TIMEOUT_MS: '20000' });
  });
  afterAll(() => sandbox?.close());

  smokeTests('cold', (language, code, stdin) => sandbox.run(language, code, stdin));
});

describe.skipIf(!HAS_BWRAP)('warm sandboxes (RUN_WARM_POOL_SIZE=1)', () => {
  let sandbox: TestRunner;
  beforeAll(() => {
    sandbox = startSandboxRunner({ RUN_WARM_POOL_SIZE: '1', RUN_TIMEOUT_MS: '20000' });
  });
  afterAll(() => sandbox?.close());

  /** Waits until the pool holds a loaded interpreter for the language, so the run takes it. */
  async function untilWarm(language: SandboxJob['language']): Promise<void> {
    const [binary, wanted] = language === 'python' ? [sandbox.config.SANDBOX_PYTHON_PATH, 1] : [process.execPath, 2];
    await waitFor(() => idleWarmInterpreters(sandbox.uids, binary) >= wanted, 45_000, `a loaded warm ${language} sandbox`);
    // Let the host read the sandbox's "loaded" byte before the run asks the pool.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  smokeTests('warm', async (language, code, stdin) => {
    await untilWarm(language);
    return sandbox.run(language, code, stdin);
  });
});
