// npm run bench:runs — Run latency and throughput over HTTP against the real server, cold
// (no warm pool) and warm, next to the same programs run without any sandbox.
// Settings: npm run bench:runs -- --help
import { parseOrExit } from '../cli-settings.ts';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../server/config.ts';
import { REPO_ROOT } from '../../helpers/server.ts';
import { describeMachine, loadAverage } from './machine.ts';
import { parseOptions, usage, type RunsBenchOptions } from './options.ts';
import { measureMode, type Measured } from './phases.ts';
import { reportDocument } from './report-document.ts';

const EXIT_GRACE_MS = 10_000;

function parse(): { options: RunsBenchOptions; given: string[] } {
  return parseOrExit(() => parseOptions(process.argv.slice(2)), usage);
}

/** Aborts on the time limit or the first Ctrl-C (the second one exits at once). */
function stopSignal(timeoutMin: number): { signal: AbortSignal; reason: () => string | undefined; dispose(): void } {
  const controller = new AbortController();
  let reason: string | undefined;
  const stop = (why: string) => {
    reason ??= why;
    controller.abort(new Error(why));
  };
  const timer = setTimeout(() => stop(`time limit of ${timeoutMin} min reached`), timeoutMin * 60_000);
  const onSignal = (name: string) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`[bench:runs] ${name}: stopping, cleaning up (again to exit at once)`);
    stop(`interrupted by ${name}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    reason: () => reason,
    dispose() {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function main(): Promise<number> {
  const { options, given } = parse();
  const flags = given.filter((g) => g.startsWith('--'));
  const envs = given.filter((g) => !g.startsWith('--'));
  const command = [...envs, 'npm run bench:runs', ...(flags.length > 0 ? ['--', ...flags] : [])].join(' ');
  const config = parseConfig({});
  const machine = describeMachine(config.SANDBOX_PYTHON_PATH, config.SANDBOX_BWRAP_PATH);
  const loadStart = loadAverage();
  const started = performance.now();
  const stop = stopSignal(options.timeoutMin);
  const measured: Measured = { series: [], throughput: [] };
  let error: string | undefined;
  try {
    for (const mode of options.modes) if (!stop.signal.aborted) await measureMode(mode, options, config.SANDBOX_PYTHON_PATH, stop.signal, measured);
  } catch (caught) {
    error = (caught as Error).stack ?? String(caught);
    console.error(`[bench:runs] failed: ${error}`);
  } finally {
    stop.dispose();
  }
  const markdown = reportDocument(options, command, { machine, loadStart, elapsedS: (performance.now() - started) / 1000, stopped: stop.reason(), error }, measured);
  const out = path.resolve(REPO_ROOT, options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, markdown);
  console.log(`\n${markdown}`);
  console.error(`[bench:runs] report written to ${path.relative(process.cwd(), out)}`);
  return error ? 1 : 0;
}

process.exitCode = await main();
// Everything was closed; should a stray handle keep the process alive anyway, say which and exit.
setTimeout(() => {
  console.error(`[bench:runs] still running ${EXIT_GRACE_MS} ms after finishing; open: ${process.getActiveResourcesInfo().join(', ')}`);
  process.exit(process.exitCode ?? 1);
}, EXIT_GRACE_MS).unref();
