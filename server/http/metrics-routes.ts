// GET /metrics in the Prometheus text format. The metrics carry no room id, token or name
// (see ops/metrics.ts), so the endpoint reveals only load figures of this instance.
import { Router } from 'express';
import type { Metrics } from '../ops/metrics.ts';

export function metricsRouter(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await metrics.register.metrics();
    res.setHeader('Content-Type', metrics.register.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  });
  return router;
}
