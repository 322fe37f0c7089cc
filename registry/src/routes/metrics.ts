import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { EXPOSITION_CONTENT_TYPE } from '../metrics/prometheus.ts';

export function metricsRoutes(app: Hono<AppEnv>): void {
  app.get('/metrics', (c) => {
    c.header('Content-Type', EXPOSITION_CONTENT_TYPE);
    c.header('Cache-Control', 'no-store');
    return c.body(c.get('deps').metrics.render(), 200);
  });
}
