// Prometheus metrics of one app (GET /metrics). Each app has its own registry: tests start
// several apps in one process. Labels are small fixed sets (role, transport, language,
// status, direction), never a room id, a token or a name: bounded cardinality, nothing private.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Language, Role } from '../../shared/room.ts';
import type { RunStatus } from '../../shared/run.ts';

export type Transport = 'yjs' | 'socketio';

/** Where the gauges read their values when scraped. */
export interface MetricSources {
  roomsLoaded: () => number;
  /** Runs queued plus running on this instance. */
  runQueueDepth: () => number;
  /** Multi-instance mode: room streams this instance reads from Redis. */
  relayRoomsWatched?: () => number;
}

export interface Metrics {
  readonly register: Registry;
  connectionOpened(role: Role, transport: Transport): void;
  connectionClosed(role: Role, transport: Transport): void;
  /** One client document update applied to a room. */
  yjsUpdateApplied(): void;
  /** Size of a /yjs frame received ('in') or sent ('out'). */
  yjsBytes(direction: 'in' | 'out', bytes: number): void;
  /** From receiving an update to it being durably stored. */
  observePersist(seconds: number): void;
  /** A finished run ('failed' when the executor itself threw). */
  observeRun(language: Language, status: RunStatus | 'failed', seconds: number): void;
  /** Multi-instance mode: from an update's publication to its arrival here through the relay. */
  observeRelayLag(seconds: number): void;
}

const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const RUN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export function createMetrics(sources: MetricSources): Metrics {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const registers = [register];

  new Gauge({
    name: 'interview_rooms_loaded',
    help: 'Room documents loaded in memory on this instance',
    registers,
    collect() {
      this.set(sources.roomsLoaded());
    },
  });
  if (sources.relayRoomsWatched) {
    const watched = sources.relayRoomsWatched;
    new Gauge({
      name: 'interview_relay_rooms_watched',
      help: 'Multi-instance mode: room streams this instance reads from Redis',
      registers,
      collect() {
        this.set(watched());
      },
    });
  }
  const connections = new Gauge({
    name: 'interview_connections',
    help: 'Open client connections by role and transport',
    labelNames: ['role', 'transport'] as const,
    registers,
  });
  // Every series exists from the start (at 0), so dashboards and rate() see the first one.
  for (const role of ['interviewer', 'candidate'] as const) {
    for (const transport of ['yjs', 'socketio'] as const) connections.set({ role, transport }, 0);
  }
  const updates = new Counter({
    name: 'interview_yjs_updates_total',
    help: 'Document updates from clients applied to rooms',
    registers,
  });
  const bytes = new Counter({
    name: 'interview_yjs_bytes_total',
    help: 'Bytes of /yjs WebSocket frames, received (in) and sent (out)',
    labelNames: ['direction'] as const,
    registers,
  });
  // Bound once: counting runs for every frame, and a labelled inc() hashes its labels each time.
  const bytesByDirection = { in: bytes.labels('in'), out: bytes.labels('out') };
  bytesByDirection.in.inc(0);
  bytesByDirection.out.inc(0);
  const persist = new Histogram({
    name: 'interview_persist_seconds',
    help: 'Time from receiving a document update to it being durably stored',
    buckets: FAST_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'interview_run_queue_depth',
    help: 'Runs queued or running on this instance',
    registers,
    collect() {
      this.set(sources.runQueueDepth());
    },
  });
  const runs = new Histogram({
    name: 'interview_run_seconds',
    help: 'Duration of finished runs by language and status',
    labelNames: ['language', 'status'] as const,
    buckets: RUN_BUCKETS,
    registers,
  });
  const relayLag = new Histogram({
    name: 'interview_relay_lag_seconds',
    help: 'Multi-instance mode: delay of updates arriving through the Redis relay',
    buckets: FAST_BUCKETS,
    registers,
  });

  return {
    register,
    connectionOpened: (role, transport) => connections.inc({ role, transport }),
    connectionClosed: (role, transport) => connections.dec({ role, transport }),
    yjsUpdateApplied: () => updates.inc(),
    yjsBytes: (direction, count) => bytesByDirection[direction].inc(count),
    observePersist: (seconds) => persist.observe(seconds),
    observeRun: (language, status, seconds) => runs.observe({ language, status }, seconds),
    observeRelayLag: (seconds) => relayLag.observe(seconds),
  };
}
