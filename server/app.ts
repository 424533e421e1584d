// Wires the concerns together on one HTTP server: REST (rooms), /yjs (document sync),
// Socket.IO (room events), and the built client. Used by main.ts and by tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ERROR_TEXT, WS_CLOSE } from '../shared/errors.ts';
import type { Config } from './config.ts';
import { clientIp } from './http/client-ip.ts';
import { errorHandler, sendError } from './http/http-error.ts';
import { rejectUpgrade } from './http/reject-upgrade.ts';
import { metricsRouter } from './http/metrics-routes.ts';
import { isAllowedOrigin, parseAllowedOrigins } from './http/origin-check.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createMetrics, type Metrics } from './ops/metrics.ts';
import { problemsRouter } from './http/problems-routes.ts';
import { reportRouter } from './http/report-routes.ts';
import { whiteboardRouter } from './http/whiteboard-routes.ts';
import { scorecardRouter } from './http/scorecard-routes.ts';
import { ScorecardService } from './scorecard/scorecard-service.ts';
import { roomsRouter } from './http/rooms-routes.ts';
import { forCandidate } from './grading/redact.ts';
import { loadProblemBank, type ProblemBank } from './problems/load-problems.ts';
import { runsRouter } from './http/runs-routes.ts';
import { staticClientRouter } from './http/static-client.ts';
import { createLogger, redactUrl, type Logger } from './logger.ts';
import { connectCluster } from './cluster/connect-cluster.ts';
import { openStore } from './persistence/open-store.ts';
import type { Store } from './persistence/store.ts';
import { memorySharedTimers } from './realtime/shared-timers.ts';
import { SOCKET_IO_PATH, createSocketServer, recheckSocketAccess, roleChannel } from './realtime/socket-server.ts';
import { createAuthFailureLimiter } from './rooms/auth-failure-limiter.ts';
import { localConnectionLimit } from './rooms/connection-limit.ts';
import { startRetentionSweeper } from './rooms/retention.ts';
import { RoomService } from './rooms/room-service.ts';
import { createLocalRunners } from './runs/local-executor.ts';
import { memoryRunSlots } from './runs/run-slots.ts';
import { memoryGradedRunLimit } from './runs/graded-run-limit.ts';
import { queueExecutor } from './runs/queue-executor.ts';
import { startQueueWorker } from './runs/queue-worker.ts';
import type { RunExecutor } from './runs/executor.ts';
import { RunService, type RunBroadcaster } from './runs/run-service.ts';
import { checkSandbox, type SandboxAvailability } from './sandbox/sandbox-runner.ts';
import { DocRegistry } from './yjs/doc-registry.ts';
import { YJS_PATH_PREFIX, createYjsServer } from './yjs/yjs-server.ts';

export interface RunningApp {
  httpServer: http.Server;
  registry: DocRegistry;
  store: Store;
  runs: RunService;
  bank: ProblemBank;
  /** Resolves once the sandbox check finished (503 on Run when it failed). */
  sandbox: Promise<SandboxAvailability>;
  log: Logger;
  /** Prometheus metrics of this instance (GET /metrics). */
  metrics: Metrics;
  /** Resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops accepting, closes every socket, stores every document. */
  close(): Promise<void>;
}

export async function createApp(config: Config, log: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningApp> {
  const bank = loadProblemBank([config.PROBLEMS_DIR, ...config.PROBLEMS_DIRS.split(',').map((d) => d.trim()).filter(Boolean)]);
  const store = await openStore(config);
  // Read when scraped, after `registry` and `runs` exist.
  const metrics = createMetrics({
    roomsLoaded: () => registry.loadedRoomIds.length,
    runQueueDepth: () => runs.inFlightCount,
    relayRoomsWatched: () => cluster?.relay.watchedCount ?? 0,
  });
  // Several instances share rooms when they share both the database and Redis.
  const cluster =
    config.REDIS_URL && config.DATABASE_URL
      ? connectCluster(config.REDIS_URL, log, {
          onRelayDelivered: (seconds) => metrics.observeRelayLag(seconds),
          authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
          connectionsPerToken: config.CONNECTIONS_PER_TOKEN,
          runSlotsPerRoom: config.RUN_MAX_IN_FLIGHT_PER_ROOM,
          // Queue wait, the run and its two grading runs (public cases, hidden cases).
          runSlotLeaseMs: 3 * config.RUN_TIMEOUT_MS + 60_000,
          gradedRunMinIntervalMs: config.GRADED_RUN_MIN_INTERVAL_MS,
        })
      : undefined;
  const limiter = cluster?.authLimiter ?? createAuthFailureLimiter(config.AUTH_FAILURES_PER_MINUTE);
  // Socket.IO and /yjs connections of one link count together.
  const connectionLimit = cluster?.connectionLimit ?? localConnectionLimit(config.CONNECTIONS_PER_TOKEN);
  const rooms = new RoomService(store, limiter, config.ROOM_TTL_DAYS);
  const registry = new DocRegistry(store, {
    snapshotEveryUpdates: config.SNAPSHOT_EVERY_UPDATES,
    limits: {
      docMaxBytes: config.ROOM_DOC_MAX_BYTES,
      logMaxBytes: config.ROOM_LOG_MAX_BYTES,
      awarenessMaxBytes: config.AWARENESS_MAX_BYTES,
      awarenessPerSecond: config.AWARENESS_UPDATES_PER_SECOND,
    },
    log,
    relay: cluster?.relay,
    onPersisted: (seconds) => metrics.observePersist(seconds),
  });
  const sandbox = checkSandbox(config);
  // Runs execute here, or (REDIS_URL) in whichever worker takes them from the queue.
  const local = !config.REDIS_URL || config.RUN_LOCAL_WORKER ? createLocalRunners(config, log) : undefined;
  const queued = config.REDIS_URL ? queueExecutor(config.REDIS_URL, { resultTimeoutMs: config.RUN_TIMEOUT_MS + 30_000 }) : undefined;
  const worker = config.REDIS_URL && local ? startQueueWorker(config.REDIS_URL, local.executor, config.RUN_CONCURRENCY) : undefined;
  const executor: RunExecutor = queued ?? local!.executor;
  // Filled in once Socket.IO exists; both are only used after the server listens.
  let broadcaster: RunBroadcaster | undefined;
  let revokeCandidateConnections: (roomId: string) => void = () => undefined;
  const runs = new RunService(
    executor,
    {
      started: (roomId, payload) => broadcaster?.started(roomId, payload),
      output: (roomId, payload) => broadcaster?.output(roomId, payload),
      result: (roomId, payload) => broadcaster?.result(roomId, payload),
    },
    store,
    {
      concurrency: config.RUN_CONCURRENCY,
      slots: cluster?.runSlots ?? memoryRunSlots(config.RUN_MAX_IN_FLIGHT_PER_ROOM),
      gradedRuns: {
        limit: cluster?.gradedRunLimit ?? memoryGradedRunLimit(config.GRADED_RUN_MIN_INTERVAL_MS),
        minIntervalMs: config.GRADED_RUN_MIN_INTERVAL_MS,
      },
      observeRun: metrics.observeRun,
    },
  );
  // Browsers may open sockets only from this host or ALLOWED_ORIGINS.
  const allowedOrigins = parseAllowedOrigins(config.ALLOWED_ORIGINS);

  const app = express();
  app.disable('x-powered-by');
  // The same reading of X-Forwarded-For as clientIp() (TRUST_PROXY "true" is one hop, not all).
  app.set('trust proxy', config.TRUST_PROXY.trust);
  app.use(securityHeaders({ trustProxy: config.TRUST_PROXY.any }));
  app.use((req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) log.info({ method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode }, 'request');
    });
    next();
  });
  app.get('/healthz', async (_req, res) => {
    const ok = await store.healthy().catch(() => false);
    res.status(ok ? 200 : 503).json({ ok, roomsLoaded: registry.loadedRoomIds.length });
  });
  app.use(metricsRouter(metrics));
  // Everyone leaves a room that is deleted; its document stores nothing more.
  const evict = (roomId: string) => {
    registry.evict(roomId);
    io.in(roomId).disconnectSockets(true);
  };
  app.use(roomsRouter(rooms, config, evict));
  app.use(runsRouter({ rooms, runs, sandbox, problems: bank.problems, store, config }));
  app.use(problemsRouter({ problems: bank.problems, rooms, store, registry, config }));
  const scorecards = new ScorecardService(store, bank);
  app.use(scorecardRouter({ rooms, scorecards, bank, config, onEnded: (roomId) => revokeCandidateConnections(roomId), onFrozen: (roomId) => registry.freeze(roomId) }));
  app.use(reportRouter({ rooms, scorecards, store, registry, bank, config }));
  app.use(whiteboardRouter({ rooms, store, config }));
  app.use('/api', (_req, res) => sendError(res, 'not_found', 'No such API endpoint.'));
  app.use(staticClientRouter(config.CLIENT_DIST_DIR));
  app.use((_req, res) => sendError(res, 'not_found', 'Not found.'));
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  const yjs = createYjsServer({
    rooms,
    registry,
    log,
    maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
    pingIntervalMs: config.WS_PING_INTERVAL_MS,
    metrics,
    connectionLimit,
  });
  const io = createSocketServer(httpServer, {
    rooms,
    log,
    trustProxy: config.TRUST_PROXY,
    runHistory: (roomId) => runs.history(roomId),
    timers: cluster?.timers ?? memorySharedTimers(),
    adapter: cluster?.socketAdapter,
    metrics,
    events: { perMinute: config.SOCKET_EVENTS_PER_MINUTE, burst: config.SOCKET_EVENT_BURST_COUNT },
    connectionLimit,
    allowRequest: (req) => isAllowedOrigin(req, allowedOrigins, config.TRUST_PROXY.any),
  });
  // Room decisions travel through Redis; after it was away, the database tells what was missed.
  cluster?.relay.onReconnect(() => {
    yjs.recheckAll();
    recheckSocketAccess(io, rooms).catch((error: unknown) => log.warn({ err: error }, 'checking sockets\' access again failed'));
  });
  // The candidate's open connections go when the interview ends or their link is replaced.
  revokeCandidateConnections = (roomId) => {
    registry.closeRole(roomId, 'candidate');
    io.in(roleChannel(roomId, 'candidate')).disconnectSockets(true);
  };
  broadcaster = {
    started: (roomId, payload) => io.to(roomId).emit('run:started', payload),
    output: (roomId, payload) => io.to(roomId).emit('run:output', payload),
    // Results can carry hidden test details and grading output: each role gets its own copy.
    result: (roomId, payload) => {
      io.to(roleChannel(roomId, 'interviewer')).emit('run:result', payload);
      io.to(roleChannel(roomId, 'candidate')).emit('run:result', forCandidate(payload));
    },
  };

  httpServer.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '').split('?')[0] ?? '';
    if (pathname.startsWith(SOCKET_IO_PATH)) return; // engine.io answers these itself
    if (pathname.startsWith(YJS_PATH_PREFIX)) {
      if (!isAllowedOrigin(req, allowedOrigins, config.TRUST_PROXY.any)) {
        return rejectUpgrade(socket, 'forbidden', 'Pages from this origin may not open sockets here; an origin other than the server\'s own host must be listed in ALLOWED_ORIGINS.');
      }
      yjs.handleUpgrade(req, socket, head, clientIp(req, config.TRUST_PROXY)).catch((error: unknown) => {
        log.error({ err: error }, 'yjs upgrade failed');
        rejectUpgrade(socket, 'internal', ERROR_TEXT.internal);
      });
      return;
    }
    rejectUpgrade(socket, 'not_found', `No WebSocket endpoint at ${pathname}; use ${YJS_PATH_PREFIX}<roomId>.`);
  });

  const stopRetention = startRetentionSweeper({ rooms, log, evict });

  return {
    httpServer,
    registry,
    store,
    runs,
    bank,
    sandbox,
    log,
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.PORT, config.HOST, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    async close() {
      stopRetention();
      httpServer.close();
      await registry.shutdown(WS_CLOSE.serverShutdown, 'server shutting down');
      yjs.close();
      await worker?.close();
      await queued?.close();
      await local?.close();
      await io.close().catch(() => undefined);
      await cluster?.close();
      limiter.dispose();
      await store.close();
    },
  };
}
