import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withFastLane } from '../../src/http/fast-lane.ts';
import type { TestRegistry } from './test-registry.ts';

/** A server on port 0 as `serve` builds it (the fast lane, then the app), counting what reached the app. */
export interface LaneServer {
  origin: string;
  /** Requests the app answered (the fast lane did not). */
  appCalls(): number;
  close(): Promise<void>;
}

export async function startLaneServer(reg: TestRegistry): Promise<LaneServer> {
  let calls = 0;
  const server = createServer(
    withFastLane(reg.deps, (request, env) => {
      calls++;
      return reg.app.fetch(request, env);
    }),
  );
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appCalls: () => calls,
    close: () => new Promise<void>((ok, fail) => server.close((err) => (err ? fail(err) : ok()))),
  };
}
