// `npm run bench:scale`: how far each way of running the collaboration server goes, in the same
// run, at rising room counts, under the light typing load of bench:collab (raw ws clients, 2
// per room, 8 keystrokes/s each with an awareness update per keystroke):
//   stock       the stock @y/websocket-server, one process, in memory
//   sqlite-1    our server alone with SQLite (the embedded default)
//   redis-pg-1  our server alone in multi-instance mode (REDIS_URL + DATABASE_URL)
//   redis-pg-2  two instances through Redis + PostgreSQL, a room's two clients on different ones
//   redis-pg-2-together  the same, each room's two clients on one instance (rooms alternate)
// Every (setup, room count) gets fresh processes: instances, redis-server and PostgreSQL.
// Prints Markdown tables and writes them to test/artifacts/bench-scale.md. Options: `-- --help`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOrExit } from './cli-settings.ts';
import { runLightLoad } from './light-load.ts';
import type { PhaseOptions } from './phase.ts';
import { killAllServersSync, stopAllServers } from './servers.ts';
import { Deployment, pinningFor, removeAllFilesSync, stopAllDeployments, type Pinning } from './scale/deployments.ts';
import { OVERLOAD_FACTOR, QUIET_BUSY_PERCENT, parseScaleOptions, usage, type ScaleOptions, type SetupName } from './scale/options.ts';
import { sleep } from './async-utils.ts';
import { coreUsage, cpusOf, pinProcess, sampleCores } from './scale/procs.ts';
import { holdsGoal, legend, placementText, rowsTable, SETUP_TITLES, summarizeSetups, summaryTable } from './scale/report.ts';
import { scaleRow, type ScaleRow } from './scale/rows.ts';

const GENERATOR_CORE = 1;
/** Before pinning: afterwards this process may see only its own core. */
const NPROC = os.availableParallelism();

const log = (message: string) => process.stderr.write(`[bench:scale] ${message}\n`);

/** Shared: the generator alone on core 1. Spread: any core. False when pinning is not possible. */
function placeGenerator(options: ScaleOptions): boolean {
  if (NPROC < 2) return false;
  try {
    const cpus = options.placement === 'shared' ? String(GENERATOR_CORE) : `0-${NPROC - 1}`;
    pinProcess(process.pid, cpus);
    return true;
  } catch {
    return false;
  }
}

function commandLine(given: string[]): string {
  const env = given.filter((setting) => !setting.startsWith('--'));
  const args = process.argv.slice(2);
  const run = process.env.npm_lifecycle_event === 'bench:scale' ? 'npm run bench:scale' : 'npx tsx test/bench/scale.ts';
  return [...env, run, ...(args.length > 0 && run.startsWith('npm') ? ['--'] : []), ...args].join(' ');
}

function versionOf(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0] ?? '?';
  } catch {
    return '?';
  }
}

function cpuPressure(): string {
  try {
    const some = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
    return some ? `; CPU pressure (tasks waiting for a CPU) over the last minute: ${some}%` : '';
  } catch {
    return '';
  }
}

function machineInfo(options: ScaleOptions, pinned: boolean): string {
  const cpus = os.cpus();
  const postgresBin = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort().at(-1) : undefined;
  return [
    `- nproc: ${NPROC} (${cpus[0]?.model ?? 'unknown CPU'}); shared, noisy machine (other work may run on it)`,
    `- node: ${process.version}, ${os.type()} ${os.release()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    `- ${versionOf('/usr/bin/redis-server', ['--version'])}; PostgreSQL ${postgresBin ?? '?'}`,
    `- load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}${cpuPressure()}`,
    placementText(options.placement, pinned, NPROC),
    options.pgFsync
      ? '- PostgreSQL: fsync on, synchronous_commit on, full_page_writes on (--pg-fsync=on)'
      : '- PostgreSQL: fsync=off, synchronous_commit=off, full_page_writes=off (data is thrown away; a production server keeps them on: `--pg-fsync=on` measures that). SQLite: the server default (WAL, synchronous=NORMAL). redis-server: no persistence (--save "" --appendonly no).',
    '- each (setup, room count) starts fresh processes: instance(s), and for redis-pg-* a fresh redis-server and a fresh PostgreSQL cluster (initdb).',
  ].join('\n');
}

interface Report {
  command: string;
  machine: string;
  options: ScaleOptions;
  rows: ScaleRow[];
  /** Room counts not measured per setup, because a smaller one overloaded it. */
  skipped: Map<SetupName, number[]>;
  failures: string[];
}

function render(report: Report): string {
  const { options } = report;
  const repeats =
    options.retries > 0
      ? `; a run that missed the latency goal while flagged NOISY is measured again (up to ${options.retries} times, after the other setups) and the least disturbed run is kept`
      : '';
  const skipping = options.keepGoing
    ? ''
    : `; once a setup is overloaded (p99 above ${OVERLOAD_FACTOR}× ${options.p99LimitMs} ms or not drained), its larger room counts are skipped`;
  const quiet = options.quietWaitS > 0 ? `; before each run it waits up to ${options.quietWaitS} s for other processes to use less than ${QUIET_BUSY_PERCENT}% of a core` : '';
  const phase = `${options.rate} keystrokes/s per client, 2 clients per room, an awareness update with every keystroke; ${options.durationS} s typing (first ${options.warmupS} s not measured), drain ≤ ${options.drainS} s${repeats}${skipping}${quiet}`;
  const sections = [
    '# Scaling benchmark: stock vs ours (SQLite) vs ours in multi-instance mode (Redis + PostgreSQL), one and two instances',
    `Command: \`${report.command}\``,
    report.machine,
    `Setups:\n${options.setups.map((s) => `- \`${s}\`: ${SETUP_TITLES[s]}`).join('\n')}`,
    `Load (light mode: raw ws clients sending pre-encoded updates): ${phase}.`,
  ];
  if (report.rows.length > 0) {
    sections.push('## Per room count', rowsTable(report.rows));
    sections.push('## Summary', summaryTable(summarizeSetups(report.rows, options, report.skipped), options));
  }
  sections.push(legend(options));
  if (report.failures.length > 0) sections.push(`## Failures\n${report.failures.map((f) => `- ${f}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

/**
 * Between runs nothing of the benchmark runs: whatever keeps the cores busy is other work on the
 * machine. Waits (bounded) until it drops below QUIET_BUSY_PERCENT; returns the seconds waited
 * and whether it got quiet.
 */
async function waitForQuiet(maxS: number): Promise<{ waitedS: number; quiet: boolean; busyPercent: number }> {
  const began = performance.now();
  let busyPercent = NaN;
  for (;;) {
    const before = sampleCores();
    await sleep(1000);
    busyPercent = coreUsage(before, sampleCores()).reduce((sum, c) => sum + c.busyPercent, 0);
    const waitedS = (performance.now() - began) / 1000;
    if (busyPercent < QUIET_BUSY_PERCENT) return { waitedS, quiet: true, busyPercent };
    if (waitedS >= maxS) return { waitedS, quiet: false, busyPercent };
  }
}

async function measure(setup: SetupName, rooms: number, pinning: Pinning, options: ScaleOptions, phase: PhaseOptions): Promise<ScaleRow> {
  const cpuProfDir = options.cpuProfDir ? path.resolve(options.cpuProfDir, `${setup}-${rooms}`) : undefined;
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  if (options.quietWaitS > 0) {
    const { waitedS, quiet, busyPercent } = await waitForQuiet(options.quietWaitS);
    if (waitedS > 1.5) log(`waited ${waitedS.toFixed(0)} s for other processes to calm down: ${quiet ? 'quiet' : `still ${busyPercent.toFixed(0)}% busy`}`);
  }
  const deployment = await Deployment.start(setup, pinning, options.pgFsync, cpuProfDir);
  try {
    const placed = deployment.instances.map((instance, i) => `instance ${i}: cpus ${cpusOf(instance.pid)}`);
    if (deployment.redis?.process.pid) placed.push(`redis: ${cpusOf(deployment.redis.process.pid)}`);
    if (deployment.postgres?.process.pid) placed.push(`postgres: ${cpusOf(deployment.postgres.process.pid)}`);
    log(`${setup} ${rooms} rooms: started (${placed.join(', ')}; generator: ${cpusOf(process.pid)})`);
    const result = await runLightLoad(deployment, rooms, phase);
    return scaleRow(setup, deployment, result);
  } finally {
    await deployment.stop();
  }
}

async function main({ options, given }: { options: ScaleOptions; given: string[] }): Promise<number> {
  const pinned = placeGenerator(options);
  const pinning = pinningFor(options.placement, NPROC, pinned);
  const report: Report = { command: commandLine(given), machine: machineInfo(options, pinned), options, rows: [], skipped: new Map(), failures: [] };
  console.log(`Command: ${report.command}\n${report.machine}\n`);
  const phase: PhaseOptions = {
    rate: options.rate,
    durationMs: options.durationS * 1000,
    warmupMs: options.warmupS * 1000,
    drainMs: options.drainS * 1000,
  };
  const began = performance.now();
  const overloadedAt = new Map<SetupName, number>();
  const run = async (setup: SetupName, rooms: number, label: string): Promise<ScaleRow | undefined> => {
    const started = performance.now();
    log(`${setup} ${rooms} rooms${label} …`);
    try {
      const row = await measure(setup, rooms, pinning, options, phase);
      log(
        `${setup} ${rooms} rooms${label}: p99 ${row.latency.p99.toFixed(1)} ms, lost ${row.lost}, total ${row.totalCpuMsPer1k.toFixed(0)} ms/1k, ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s${row.notes.length > 0 ? ` (${row.notes.join('; ')})` : ''}`,
      );
      return row;
    } catch (error) {
      const message = `${setup} ${rooms} rooms${label}: ${(error as Error).message}`;
      report.failures.push(message.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 600));
      log(`FAILED ${message}`);
      return undefined;
    }
  };
  for (const [index, rooms] of options.rooms.entries()) {
    const setups = options.setups.filter((setup) => {
      const overloaded = overloadedAt.get(setup);
      if (overloaded === undefined || options.keepGoing) return true;
      report.skipped.set(setup, [...(report.skipped.get(setup) ?? []), rooms]);
      log(`${setup} ${rooms} rooms: skipped (overloaded at ${overloaded} rooms; --keep-going=on measures it anyway)`);
      return false;
    });
    const best = new Map<SetupName, ScaleRow>();
    // Setups alternate within each room count, in reverse order every other time, so drift on a
    // shared machine hits them alike. Runs disturbed by other processes are measured again after
    // the others ran, keeping the least disturbed one.
    let pending = setups;
    for (let attempt = 0; attempt <= options.retries && pending.length > 0; attempt++) {
      const order = (index + attempt) % 2 === 0 ? pending : [...pending].reverse();
      for (const setup of order) {
        const row = await run(setup, rooms, attempt > 0 ? ` (retry ${attempt}: missed the goal while NOISY)` : '');
        const kept = best.get(setup);
        if (row && (!kept || row.othersPercent < kept.othersPercent)) best.set(setup, row);
      }
      // Only where the noise may have changed the verdict.
      pending = pending.filter((setup) => {
        const row = best.get(setup);
        return row !== undefined && row.noisy && !holdsGoal(row, options);
      });
    }
    for (const setup of setups) {
      const row = best.get(setup);
      if (!row) continue;
      report.rows.push(row);
      // A noisy row may be slow because of the other work: it does not stop the escalation.
      if (!row.noisy && (!row.drained || row.latency.p99 > OVERLOAD_FACTOR * options.p99LimitMs)) overloadedAt.set(setup, rooms);
    }
  }
  log(`all phases done in ${((performance.now() - began) / 60_000).toFixed(1)} min`);

  const markdown = render(report);
  console.log(markdown);
  const out = path.resolve(options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, markdown);
  console.log(`Report written to ${path.relative(process.cwd(), out)}`);
  return report.failures.length > 0 ? 1 : 0;
}

const stopEverything = () => Promise.allSettled([stopAllDeployments(), stopAllServers()]);

process.on('exit', () => {
  killAllServersSync();
  removeAllFilesSync();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every server, redis-server and PostgreSQL`);
    void stopEverything().finally(() => process.exit(130));
  });
}

const parsed = parseOrExit(() => parseScaleOptions(process.argv.slice(2)), usage);
const watchdog = setTimeout(() => {
  log(`the whole run exceeded ${parsed.options.timeoutMin} min; stopping`);
  void stopEverything().finally(() => process.exit(3));
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
    await stopEverything();
    setTimeout(() => process.exit(), 2_000).unref();
  });
