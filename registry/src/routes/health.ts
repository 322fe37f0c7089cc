import type { Hono } from 'hono';
import { RegistryError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';

export function healthRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/health', (c) => {
    c.header('Cache-Control', 'no-store');
    if (c.get('deps').draining()) {
      throw new RegistryError('UNAVAILABLE', 'this process is stopping: send requests to another one');
    }
    return c.json({ status: 'ok' });
  });
}
