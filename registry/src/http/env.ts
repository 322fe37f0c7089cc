import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.ts';

/** The hono environment of the registry app. */
export interface AppEnv {
  Variables: { requestId: string; deps: Deps };
  /** Set by @hono/node-server; absent under `app.request()` in tests. */
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse };
}
