import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';

export function healthRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/health', (c) => c.json({ status: 'ok' }));
}
