// Markdown tables of the results. Ratios compare series measured in the same run on the
// same machine, so they hold up better than absolute numbers on a noisy host.
import { markdownTable } from '../report.ts';
import type { Cost } from './cpu-meter.ts';
import { summarize, type Summary } from '../stats.ts';
import { PROGRAMS, type ProgramId } from './programs.ts';
import type { Sample, SeriesMode, SeriesResult } from './series.ts';
import type { ThroughputResult } from './throughput.ts';

const fixed = (value: number | undefined, digits = 0): string => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '–');
const ratio = (top: number | undefined, bottom: number | undefined): string =>
  top !== undefined && bottom !== undefined && Number.isFinite(top) && Number.isFinite(bottom) && bottom > 0 ? `${(top / bottom).toFixed(2)}×` : '–';
const defined = (values: (number | undefined)[]): number[] => values.filter((v): v is number => v !== undefined && Number.isFinite(v));

/** Latency of the runs after the first (the first of a series is reported on its own). */
function measured(series: SeriesResult): Summary {
  return summarize(series.samples.slice(1).filter((s) => s.ok).map((s) => s.latencyMs));
}

const outsideExec = (s: Sample): number | undefined => (s.execMs === undefined ? undefined : s.latencyMs - s.execMs);

const COST_HEADER = ['CPU ms/run', 'CPU wait %', 'loop max ms', 'RSS MB'];

function costCells(cost: Cost, runs: number): string[] {
  return [
    fixed(cost.cpuMs / Math.max(1, runs)),
    fixed((100 * cost.runQueueWaitMs) / Math.max(1, cost.wallMs)),
    fixed(cost.loopMaxMs),
    fixed(cost.rssMb),
  ];
}

const MODE_LABEL: Record<SeriesMode, string> = {
  unsandboxed: 'unsandboxed',
  cold: 'cold (pool 0)',
  warm: 'warm, paced',
  'warm-b2b': 'warm, back-to-back',
};

export function summaryTable(results: SeriesResult[]): string {
  const find = (program: ProgramId, mode: SeriesMode) => {
    const series = results.find((r) => r.program === program && r.mode === mode);
    return series ? measured(series) : undefined;
  };
  const pair = (s: Summary | undefined) => (s ? `${fixed(s.p50)} / ${fixed(s.p95)}` : '–');
  const programs = [...new Set(results.map((r) => r.program))];
  const rows = programs.map((program) => {
    const [direct, cold, warm, b2b] = (['unsandboxed', 'cold', 'warm', 'warm-b2b'] as const).map((mode) => find(program, mode));
    return [
      `${program} \`${PROGRAMS[program].code.replaceAll('\n', ' ')}\``,
      pair(direct),
      pair(cold),
      pair(warm),
      pair(b2b),
      ratio(cold?.p50, direct?.p50),
      ratio(warm?.p50, direct?.p50),
      ratio(warm?.p50, cold?.p50),
      ratio(warm?.p95, cold?.p95),
      ratio(b2b?.p50, cold?.p50),
    ];
  });
  const header = [
    'program',
    'unsandboxed p50 / p95 ms',
    'cold p50 / p95 ms',
    'warm p50 / p95 ms',
    'warm b2b p50 / p95 ms',
    'cold ÷ unsandboxed (p50)',
    'warm ÷ unsandboxed (p50)',
    'warm ÷ cold (p50)',
    'warm ÷ cold (p95)',
    'b2b ÷ cold (p50)',
  ];
  return markdownTable(header, rows);
}

export function seriesTable(results: SeriesResult[]): string {
  const header = [
    'program', 'mode', 'ok', 'first ms', 'p50 ms', 'p95 ms', 'max ms', 'exec p50 ms', 'outside exec p50 ms',
    'pool hits', 'refill p50 ms', ...COST_HEADER, 'notes',
  ];
  const rows = results.map((r) => {
    const summary = measured(r);
    const hits = r.samples.filter((s) => s.poolHit !== undefined);
    return [
      r.program,
      MODE_LABEL[r.mode],
      `${r.samples.filter((s) => s.ok).length}/${r.samples.length}`,
      fixed(r.samples[0]?.latencyMs),
      fixed(summary.p50),
      fixed(summary.p95),
      fixed(summary.max),
      fixed(summarize(defined(r.samples.slice(1).map((s) => s.execMs))).p50),
      fixed(summarize(defined(r.samples.slice(1).map(outsideExec))).p50),
      hits.length > 0 ? `${hits.filter((s) => s.poolHit).length}/${hits.length}` : '–',
      fixed(summarize(defined(r.samples.map((s) => s.refillMs))).p50),
      ...costCells(r.cost, r.samples.length),
      r.notes.join('; '),
    ];
  });
  return markdownTable(header, rows);
}

export function throughputTable(results: ThroughputResult[]): string {
  const header = [
    'pool', 'rooms', 'ok/pressed', 'wall s', 'runs/s', 'p50 ms', 'p95 ms', 'max ms', 'exec p50 ms', '429s', 'other failures',
    'warm ÷ cold runs/s', 'warm ÷ cold p50', ...COST_HEADER,
  ];
  const okOutcomes = (r: ThroughputResult) => r.outcomes.filter((o) => o.error === undefined);
  const runsPerS = (r: ThroughputResult) => okOutcomes(r).length / (r.wallMs / 1000);
  const p50 = (r: ThroughputResult) => summarize(okOutcomes(r).map((o) => o.latencyMs)).p50;
  const sorted = [...results].sort((a, b) => a.rooms - b.rooms || a.mode.localeCompare(b.mode));
  const rows = sorted.map((r) => {
    const ok = okOutcomes(r);
    const latency = summarize(ok.map((o) => o.latencyMs));
    const cold = r.mode === 'warm' ? results.find((other) => other.mode === 'cold' && other.rooms === r.rooms) : undefined;
    const limited = r.outcomes.filter((o) => o.httpStatus === 429).length;
    return [
      r.mode,
      String(r.rooms),
      `${ok.length}/${r.pressed}`,
      fixed(r.wallMs / 1000, 1),
      fixed(runsPerS(r), 1),
      fixed(latency.p50),
      fixed(latency.p95),
      fixed(latency.max),
      fixed(summarize(defined(ok.map((o) => o.result?.durationMs))).p50),
      String(limited),
      String(r.pressed - ok.length - limited),
      cold ? ratio(runsPerS(r), runsPerS(cold)) : '',
      cold ? ratio(p50(r), p50(cold)) : '',
      ...costCells(r.cost, r.pressed),
    ];
  });
  return markdownTable(header, rows);
}

/** The distinct failure messages, so a table full of errors explains itself. */
export function failureList(series: SeriesResult[], throughput: ThroughputResult[]): string[] {
  const messages = new Map<string, number>();
  const add = (where: string, error: string | undefined) => {
    if (error === undefined) return;
    const key = `${where}: ${error.replace(/\s+/g, ' ').slice(0, 240)}`;
    messages.set(key, (messages.get(key) ?? 0) + 1);
  };
  for (const r of series) for (const s of r.samples) add(`${r.program} ${r.mode}`, s.error);
  for (const r of throughput) for (const o of r.outcomes) add(`throughput ${r.mode} ${r.rooms} rooms`, o.httpStatus === 429 ? undefined : o.error);
  return [...messages].map(([message, count]) => `- ${count}× ${message}`);
}
