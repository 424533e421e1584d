// `npm run bench:collab`: our y-websocket server against the stock @y/websocket-server, in the
// same run, under the same typing load. Each server runs alone in a fresh child process
// pinned to core 0; this process (the load generator) pins itself to core 1. Prints Markdown
// tables and writes them to test/artifacts/bench-collab.md. Options: `-- --help`.
import { parseOrExit } from './cli-settings.ts';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLightLoad } from './light-load.ts';
import { parseOptions, usage, type BenchOptions } from './options.ts';
import { leastDisturbed, type LoadResult, type PhaseOptions } from './phase.ts';
import { runProviderLoad } from './provider-load.ts';
import { LEGEND, loadTable, syncTable } from './report.ts';
import { killAllServersSync, stopAllServers, withServer, type BenchServer, type ServerKind, type StartOptions } from './servers.ts';
import { runSyncLoad, type SyncResult } from './sync-load.ts';

const SERVER_CORE = 0;
const GENERATOR_CORE = 1;
/** Before pinning: afterwards this process sees only its own core. */
const NPROC = os.availableParallelism();

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function parse(): { options: BenchOptions; given: string[] } {
  return parseOrExit(() => parseOptions(process.argv.slice(2)), usage);
}

/** Pins every thread of this process to the generator core; false when that is not possible. */
function pinGenerator(): boolean {
  if (NPROC < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(GENERATOR_CORE), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function commandLine(given: string[]): string {
  const env = given.filter((setting) => !setting.startsWith('--'));
  const args = process.argv.slice(2);
  const run = process.env.npm_lifecycle_event === 'bench:collab' ? 'npm run bench:collab' : 'npx tsx test/bench/collab.ts';
  return [...env, run, ...(args.length > 0 && run.startsWith('npm') ? ['--'] : []), ...args].join(' ');
}

function machineInfo(pinned: boolean): string {
  const cpus = os.cpus();
  return [
    `- nproc: ${NPROC} (${cpus[0]?.model ?? 'unknown CPU'})`,
    `- node: ${process.version}, ${os.type()} ${os.release()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    `- load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}${cpuPressure()}`,
    pinned
      ? `- pinning: servers on core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), load generator on core ${GENERATOR_CORE}`
      : '- pinning: NOT pinned (needs 2 cores and taskset); server and generator share CPUs',
  ].join('\n');
}

/** Share of the last 60 s in which some runnable task waited for a CPU (Linux PSI). */
function cpuPressure(): string {
  try {
    const some = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
    return some ? `; CPU pressure (tasks waiting for a CPU) over the last minute: ${some}%` : '';
  } catch {
    return '';
  }
}

interface Report {
  command: string;
  machine: string;
  options: BenchOptions;
  provider: LoadResult[];
  light: LoadResult[];
  sync: SyncResult[];
  failures: string[];
}

function render(report: Report): string {
  const { options } = report;
  const repeats = options.repeat > 1 ? `; each row is the least disturbed of ${options.repeat} runs (lowest server+generator CPU wait)` : '';
  const phase = `${options.rate} keystrokes/s per client, ${options.durationS} s typing (first ${options.warmupS} s not measured), drain ≤ ${options.drainS} s${repeats}`;
  const sections = [
    '# Collaboration benchmark: ours vs stock @y/websocket-server',
    `Command: \`${report.command}\``,
    report.machine,
    `Load phases: ${phase}. A fresh server process per row.`,
  ];
  if (report.provider.length > 0) sections.push('## Provider mode (real y-websocket WebsocketProvider clients, 2 per room)', loadTable(report.provider));
  if (report.light.length > 0) sections.push('## Light mode (raw ws clients sending pre-encoded updates, 2 per room)', loadTable(report.light));
  if (report.sync.length > 0) {
    sections.push(
      `## Initial sync of a ${options.syncKb} KB document (${options.syncConnections} fresh connections each; warm = another client in the room, cold = room idle between connections)`,
      syncTable(report.sync),
    );
  }
  if (report.provider.length + report.light.length > 0) sections.push(LEGEND);
  if (report.failures.length > 0) sections.push(`## Failures\n${report.failures.map((f) => `- ${f}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

async function main({ options, given }: { options: BenchOptions; given: string[] }): Promise<number> {
  const pinned = pinGenerator();
  const start: StartOptions = {
    core: pinned ? SERVER_CORE : undefined,
    cpuProfDir: options.cpuProfDir ? path.resolve(options.cpuProfDir) : undefined,
  };
  if (start.cpuProfDir) fs.mkdirSync(start.cpuProfDir, { recursive: true });
  const report: Report = {
    command: commandLine(given),
    machine: machineInfo(pinned),
    options,
    provider: [],
    light: [],
    sync: [],
    failures: [],
  };
  console.log(`Command: ${report.command}\n${report.machine}\n`);
  const phase: PhaseOptions = {
    rate: options.rate,
    durationMs: options.durationS * 1000,
    warmupMs: options.warmupS * 1000,
    drainMs: options.drainS * 1000,
  };

  const attempt = async <T>(label: string, kind: ServerKind, run: (server: BenchServer) => Promise<T>): Promise<T | undefined> => {
    log(`${label}: ${kind} …`);
    const began = performance.now();
    try {
      const result = await withServer(kind, start, run);
      log(`${label}: ${kind} done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      return result;
    } catch (error) {
      const message = `${label} (${kind}): ${(error as Error).message}`;
      report.failures.push(message.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 400));
      log(`FAILED ${message}`);
      return undefined;
    }
  };

  // Servers alternate within each room count (and swap order on every repeat) so drift on a
  // shared machine hits both alike.
  const loadModes = [
    { mode: 'provider', title: 'Provider mode', roomCounts: options.providerRooms, run: runProviderLoad, into: report.provider },
    { mode: 'light', title: 'Light mode', roomCounts: options.lightRooms, run: runLightLoad, into: report.light },
  ] as const;
  for (const { mode, title, roomCounts, run, into } of loadModes) {
    if (!options.modes.includes(mode)) continue;
    const measured: LoadResult[] = [];
    for (const rooms of roomCounts) {
      for (let repeat = 0; repeat < options.repeat; repeat++) {
        const kinds = repeat % 2 === 0 ? options.servers : [...options.servers].reverse();
        for (const kind of kinds) {
          const result = await attempt(`${mode} ${rooms} rooms #${repeat + 1}`, kind, (s) => run(s, rooms, phase));
          if (result) measured.push(result);
        }
      }
    }
    into.push(...leastDisturbed(measured));
    console.log(`\n${title}\n\n${loadTable(into)}\n`);
  }
  if (options.modes.includes('sync')) {
    const sync = { connections: options.syncConnections, docKb: options.syncKb };
    for (const kind of options.servers) {
      const result = await attempt(`sync ${options.syncKb} KB`, kind, (s) => runSyncLoad(s, sync));
      if (result) report.sync.push(result);
    }
    console.log(`\nInitial sync\n\n${syncTable(report.sync)}\n`);
  }

  const out = path.resolve(options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, render(report));
  console.log(`Report written to ${path.relative(process.cwd(), out)}`);
  if (report.failures.length > 0) console.log(`\n${report.failures.length} phase(s) failed:\n${report.failures.join('\n')}`);
  return report.failures.length > 0 ? 1 : 0;
}

process.on('exit', killAllServersSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping servers`);
    void stopAllServers().finally(() => process.exit(130));
  });
}

const parsed = parse();
const watchdog = setTimeout(() => {
  log(`the whole run exceeded ${parsed.options.timeoutMin} min; stopping`);
  void stopAllServers().finally(() => process.exit(3));
}, parsed.options.timeoutMin * 60_000);

main(parsed)
  .then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  )
  .finally(async () => {
    clearTimeout(watchdog);
    await stopAllServers();
    // Sockets and provider timers closed above; anything left must not keep the run alive.
    setTimeout(() => process.exit(), 2_000).unref();
  });
