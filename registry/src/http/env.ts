import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.ts';

/** The hono environment of the registry app. */
export interface AppEnv {
  /** `plainHeaders`: the answer carries every header itself (`plain-answer.ts`). */
  Variables: { requestId: string; deps: Deps; plainHeaders?: boolean };
  /** Set by @hono/node-server; absent under `app.request()` in tests. */
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse };
}
