// The Markdown report: the command, the machine, how it was measured, then the tables.
import { parseConfig } from '../../../server/config.ts';
import { loadAverage } from './machine.ts';
import type { RunsBenchOptions } from './options.ts';
import type { Measured } from './phases.ts';
import { PROGRAMS } from './programs.ts';
import { failureList, seriesTable, summaryTable, throughputTable } from './report.ts';

export interface ReportContext {
  machine: string[];
  loadStart: string;
  elapsedS: number;
  /** Why the benchmark stopped early (time limit, Ctrl-C). */
  stopped?: string;
  error?: string;
}

export function reportDocument(options: RunsBenchOptions, command: string, context: ReportContext, measured: Measured): string {
  const defaults = parseConfig({});
  const sections = [
    '# Run latency benchmark',
    `Command: \`${command}\` (${new Date().toISOString()}, ${context.elapsedS.toFixed(0)} s)`,
    ['Machine:', ...context.machine.map((line) => `- ${line}`), `- load average (1/5/15 min) at start ${context.loadStart}, at end ${loadAverage()}`].join('\n'),
    [
      'Method:',
      `- Server: the real app, ${options.server === 'in-process' ? 'in this process (startTestServer)' : 'as a child process (server/main.ts)'}, on 127.0.0.1; cold = RUN_WARM_POOL_SIZE=0, warm = RUN_WARM_POOL_SIZE=${options.poolSize}; RUN_CONCURRENCY=${defaults.RUN_CONCURRENCY}, RUN_MAX_IN_FLIGHT_PER_ROOM=${defaults.RUN_MAX_IN_FLIGHT_PER_ROOM}.`,
      '- Latency: POST /api/rooms/:roomId/runs with a Bearer token, from sending to the parsed JSON result, one room, one run at a time. SQL is measured first on each server, so the sandbox languages run on a server whose SQL engine (PGlite, inside the server process) is loaded in both modes.',
      `- Each series has ${options.runs} runs; "first" is the first run of the series on that server, p50/p95/max are over the other ${options.runs - 1} (nearest rank; with few runs p95 is close to the max).`,
      '- warm, paced: before each run the pool is full again (watched in /proc: warm interpreters blocked reading fd 3); "refill" is how long that took after the response. warm, back-to-back: no wait, the pool drains.',
      '- unsandboxed: `python3 -c` / `node -e` (TypeScript: the same esbuild transform, then `node -e`) spawned from the benchmark; SQL: PGlite with the same dataset in a child process of the benchmark, timed per query (its first run includes starting PGlite).',
      '- exec = the server\'s durationMs (code handed to the sandbox until it exited, or the PGlite query); outside exec = latency − exec (HTTP, auth, queue, the synchronous spawn() of the sandbox or of the pool\'s replacement, pipe drain, saving the run).',
      `- CPU ms/run: server process plus the children it reaped (sandboxes count when they exit, so warm-pool loads show up in later runs). CPU wait: share of the wall time the server's main thread was runnable but waiting for a CPU (load from elsewhere on the machine). loop max: longest event-loop stall${options.server === 'in-process' ? ' of the process shared by server and benchmark' : ' (not measured for a child-process server)'}. RSS: the server process at the end of the series.`,
      `- Throughput: ${options.rooms.join(', ')} rooms, each its own, each pressing Run (\`${PROGRAMS.python.code}\`) ${options.roomRuns} times in a loop, one run in flight per room.`,
    ].join('\n'),
    '## Latency summary (ms)',
    summaryTable(measured.series),
    '## Latency series',
    seriesTable(measured.series),
    '## Throughput (python print(1))',
    measured.throughput.length > 0 ? throughputTable(measured.throughput) : '(not measured)',
  ];
  const failures = failureList(measured.series, measured.throughput);
  if (failures.length > 0) sections.push('## Failures', failures.join('\n'));
  if (context.stopped) sections.push(`**Stopped early: ${context.stopped}.** The tables hold what was measured until then.`);
  if (context.error) sections.push('**The benchmark failed.** The tables hold what was measured until then.', `\`\`\`\n${context.error}\n\`\`\``);
  return `${sections.join('\n\n')}\n`;
}
