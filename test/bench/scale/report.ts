// Markdown of bench:scale: one row per (setup, rooms), then a summary per setup.
import { markdownTable } from '../report.ts';
import { SETUPS, type Placement, type ScaleOptions, type SetupName } from './options.ts';
import { OTHERS_NOISY_PERCENT, SATURATED_PERCENT, type ScaleRow } from './rows.ts';

const fixed = (value: number | undefined, digits = 1): string => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '–');
const each = (values: number[], digits = 0): string => values.map((v) => fixed(v, digits)).join(' + ');

export const SETUP_TITLES: Record<SetupName, string> = {
  stock: 'stock @y/websocket-server, one process, in memory',
  'sqlite-1': 'ours, one instance, SQLite (default)',
  'redis-pg-1': 'ours, one instance in multi-instance mode (Redis + PostgreSQL)',
  'redis-pg-2': "ours, two instances through Redis + PostgreSQL, a room's two clients on different instances",
  'redis-pg-2-together': "ours, the same two instances, each room's two clients on one instance (rooms alternate)",
};

const bySetupThenRooms = (a: ScaleRow, b: ScaleRow) => SETUPS.indexOf(a.setup) - SETUPS.indexOf(b.setup) || a.rooms - b.rooms;

export function rowsTable(rows: ScaleRow[]): string {
  const header = [
    'setup', 'rooms', 'p50 ms', 'p95 ms', 'p99 ms', 'lost', 'inst CPU %', 'inst wait %', 'inst CPU ms/1k', 'inst RSS MB',
    'redis CPU %', 'redis ms/1k', 'pg CPU %', 'pg ms/1k', 'total ms/1k', 'core busy %', 'others %', 'gen CPU % / lag p99 ms', 'notes',
  ];
  const body = [...rows].sort(bySetupThenRooms).map((r) => [
    r.setup,
    String(r.rooms),
    fixed(r.latency.p50),
    fixed(r.latency.p95),
    fixed(r.latency.p99),
    `${r.lost}/${r.sent}${r.drained ? '' : ' (undrained)'}`,
    each(r.instances.map((c) => c.cpuPercent)),
    each(r.instances.map((c) => c.waitPercent)),
    fixed(r.instances.reduce((sum, c) => sum + c.cpuMsPer1k, 0), 0),
    r.instances.map((c) => `${fixed(c.rssBeforeMb, 0)}→${fixed(c.rssAfterMb, 0)}`).join(' + '),
    fixed(r.redis?.cpuPercent, 0),
    fixed(r.redis?.cpuMsPer1k, 0),
    fixed(r.postgres?.cpuPercent, 0),
    fixed(r.postgres?.cpuMsPer1k, 0),
    fixed(r.totalCpuMsPer1k, 0),
    r.cores.map((c) => fixed(c.busyPercent, 0)).join(' / '),
    fixed(r.othersPercent, 0),
    `${fixed(r.generatorCpuPercent, 0)} / ${fixed(r.generatorLagP99Ms)}`,
    r.notes.join('; '),
  ]);
  return markdownTable(header, body);
}

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
function slope(points: [number, number][]): number {
  const usable = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (new Set(usable.map(([x]) => x)).size < 2) return NaN;
  const mx = usable.reduce((s, [x]) => s + x, 0) / usable.length;
  const my = usable.reduce((s, [, y]) => s + y, 0) / usable.length;
  const sxy = usable.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = usable.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

const holds = (r: ScaleRow, limitMs: number) => r.lost === 0 && r.latency.p99 < limitMs;

export interface SetupSummary {
  setup: SetupName;
  /** Largest room count such that it and every smaller measured one held; 0 when the smallest failed. */
  heldUpTo: number;
  /** The row of heldUpTo. */
  held: ScaleRow | undefined;
  firstFailure: ScaleRow | undefined;
  /** Room counts not measured because a smaller one overloaded the setup. */
  skipped: number[];
  /** Rows that missed the goal while other processes took the CPUs: not counted either way. */
  unreliable: ScaleRow[];
  rssMbPerRoom: number;
  redisRssMbPerRoom: number;
}

export const holdsGoal = (r: ScaleRow, options: ScaleOptions): boolean => holds(r, options.p99LimitMs);

export function summarizeSetups(rows: ScaleRow[], options: ScaleOptions, skipped: Map<SetupName, number[]>): SetupSummary[] {
  return options.setups.flatMap((setup) => {
    const mine = rows.filter((r) => r.setup === setup).sort((a, b) => a.rooms - b.rooms);
    if (mine.length === 0) return [];
    // Missing the latency goal while other work took the CPUs says little about the setup;
    // a lost keystroke counts whatever the noise.
    const unreliable = mine.filter((r) => r.noisy && r.lost === 0 && !holds(r, options.p99LimitMs));
    const judged = mine.filter((r) => !unreliable.includes(r));
    const firstFailure = judged.find((r) => !holds(r, options.p99LimitMs));
    const held = judged.filter((r) => !firstFailure || r.rooms < firstFailure.rooms).at(-1);
    return [{
      setup,
      heldUpTo: held?.rooms ?? 0,
      held,
      firstFailure,
      skipped: skipped.get(setup) ?? [],
      unreliable,
      // Before typing: after it, an overloaded row also holds its backlog.
      rssMbPerRoom: slope(mine.map((r) => [r.rooms, r.instances.reduce((sum, c) => sum + c.rssBeforeMb, 0)])),
      redisRssMbPerRoom: slope(mine.flatMap((r) => (r.redis ? [[r.rooms, r.redis.rssMb] as [number, number]] : []))),
    }];
  });
}

/** Who used the CPU in a row: each process's share of a core while typing, biggest first. */
export function consumers(r: ScaleRow): string {
  const parts: [string, number][] = r.instances.map((c, i) => [r.instances.length > 1 ? `inst ${i}` : 'inst', c.cpuPercent]);
  if (r.redis) parts.push(['redis', r.redis.cpuPercent]);
  if (r.postgres) parts.push(['pg', r.postgres.cpuPercent]);
  parts.push(['gen', r.generatorCpuPercent], ['others', r.othersPercent]);
  const cores = r.cores.map((c, i) => `core ${i} ${fixed(c.busyPercent, 0)}%`).join(', ');
  return `${cores}: ${parts.sort((a, b) => b[1] - a[1]).map(([who, p]) => `${who} ${fixed(p, 0)}`).join(', ')}`;
}

export function summaryTable(summaries: SetupSummary[], options: ScaleOptions): string {
  const largest = Math.max(...options.rooms);
  const keystrokesPerRoomPerS = 2 * options.rate;
  const header = [
    'setup', `holds p99 < ${options.p99LimitMs} ms, lost 0, up to (rooms)`, 'first room count that did not: p99 ms; CPU use there (% of a core)',
    'inst RSS MB/room', 'redis RSS MB/room', 'ms/1k at the largest held count: inst / redis / pg = total', 'rooms one core serves at that cost (est.)',
    'not judged (NOISY and over the limit)',
  ];
  const body = summaries.map((s) => {
    const h = s.held;
    const f = s.firstFailure;
    const allHeld = !f && s.heldUpTo === largest && s.unreliable.length === 0;
    return [
      s.setup,
      s.heldUpTo === 0 ? (f ? `none (not even ${f.rooms})` : 'none judged') : allHeld ? `${s.heldUpTo} (all measured)` : String(s.heldUpTo),
      f
        ? `${f.rooms}: ${fixed(f.latency.p99, 0)}${f.lost > 0 ? `, ${f.lost} lost${f.drained ? '' : ' (undrained)'}` : ''}; ${consumers(f)}${s.skipped.length > 0 ? `; skipped ${s.skipped.join(', ')}` : ''}`
        : '–',
      fixed(s.rssMbPerRoom, 3),
      fixed(s.redisRssMbPerRoom, 3),
      h
        ? `${fixed(h.instances.reduce((sum, c) => sum + c.cpuMsPer1k, 0), 0)} / ${fixed(h.redis?.cpuMsPer1k, 0)} / ${fixed(h.postgres?.cpuMsPer1k, 0)} = ${fixed(h.totalCpuMsPer1k, 0)}`
        : '–',
      // One core = 1000 ms of CPU per second; a room costs keystrokes/s × ms per keystroke.
      h ? fixed(1e6 / (keystrokesPerRoomPerS * h.totalCpuMsPer1k), 0) : '–',
      s.unreliable.length > 0 ? s.unreliable.map((r) => `${r.rooms} (p99 ${fixed(r.latency.p99, 0)}, others ${fixed(r.othersPercent, 0)}%)`).join(', ') : '–',
    ];
  });
  return markdownTable(header, body);
}

export function placementText(placement: Placement, pinned: boolean, cores: number): string {
  if (!pinned) return `- placement: NOT pinned (needs 2 cores and taskset; this machine has ${cores}): every process shares every CPU.`;
  if (placement === 'shared') {
    return [
      '- placement `shared` (default): every server-side process (the instance or both instances, redis-server, the postmaster and all its backends) on core 0 (taskset -c 0); the load generator alone on core 1.',
      '- limit: with everything on one core, redis-pg-2 cannot show more throughput than redis-pg-1: its two instances, Redis and PostgreSQL split one core. What it shows is the cost of crossing Redis (latency and CPU per keystroke), not scaling. See `--spread` for one core per instance.',
    ].join('\n');
  }
  return [
    `- placement \`spread\`: instance i on core i (instance 0 on core 0, instance 1 on core 1); redis-server, PostgreSQL and the load generator unpinned (any of the ${cores} cores). Single-instance setups: their instance on core 0, the rest unpinned.`,
    '- limit: this machine has only 2 cores, so "one core per instance" leaves no core for Redis, PostgreSQL or the generator: they compete with the instances, latencies include that queueing (see inst wait % and gen lag), and the ceiling of every setup is the whole machine (core busy % near 100/100). Real scaling needs more cores or machines than this benchmark has.',
  ].join('\n');
}

export function legend(options: ScaleOptions): string {
  return [
    'Legend:',
    '- latency: a keystroke sent by one client until the other client received the relayed update (keystrokes sent after the warm-up). In redis-pg-2 that path is instance A → PostgreSQL (store) → Redis pub/sub channel → instance B → client.',
    '- lost: keystrokes that never arrived at the other client after the drain / keystrokes sent (each keystroke = one Yjs update + one awareness update).',
    '- inst CPU %: user+system CPU of each server instance while typing, as a share of one core (two instances: A + B); inst wait %: share of that time its main thread was runnable but waiting for a CPU (Redis, PostgreSQL, the other instance or other processes on the same core).',
    '- ms/1k: CPU milliseconds per 1,000 delivered keystrokes, from the end of the warm-up to the end of the drain: instances (summed), redis-server, PostgreSQL (postmaster + every backend and background process, including exited ones), total = the three.',
    '- inst RSS MB: resident memory of each instance with the clients connected before typing → after the drain.',
    '- core busy %: /proc/stat busy share of each core (core 0 / core 1) while typing, whoever used it (other processes on this shared machine too).',
    `- others %: CPU busy while typing that none of the benchmark's processes was charged for (other work on this shared machine, kernel softirq of the loopback traffic), in % of one core; above ${OTHERS_NOISY_PERCENT}% the row is flagged NOISY.`,
    '- lost "(undrained)": the drain time ran out with keystrokes still queued (an overloaded setup); they were late, not necessarily lost.',
    '- gen: the load generator (this process), its CPU and event-loop delay p99; rows flagged GENERATOR SATURATED/LAGGED measure the generator as much as the servers.',
    `- summary: "holds up to" = the largest measured room count at which it and every smaller one had p99 < ${options.p99LimitMs} ms and nothing lost, leaving out rows that missed the latency goal while flagged NOISY (listed in the last column); inst RSS MB/room = least-squares slope, over the room counts, of the instances' summed RSS with every client connected before typing (after typing, an overloaded row also holds its backlog; V8 heaps grow in steps, so it is rough); redis RSS MB/room = the same for redis-server after the drain (the relay keeps no history in Redis: pub/sub channels, so it stays near zero); ms/1k is taken at the largest room count that held (CPU per keystroke falls as load rises: more messages per event-loop turn and per system call, so small room counts look dearer); rooms one core serves = 1,000 ms / (${2 * options.rate} keystrokes/s per room × total ms per keystroke), all processes of the setup together, an estimate at that cost.`,
    `- saturation: a process above ${SATURATED_PERCENT}% of a core, or a core above 95% busy, is named in the notes.`,
  ].join('\n');
}
