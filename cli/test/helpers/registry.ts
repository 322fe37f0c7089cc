import { makeTempDir } from './fs.ts';

export interface TestRegistry {
  url: string;
  dataDir: string;
  /** Every request the registry answered, in order (from its request log). */
  requests: { method: string; path: string; status: number }[];
  /** Signs up `name` through `POST /v1/users` and returns a publish token made with Basic auth. */
  createUser(name: string): Promise<{ token: string; password: string }>;
  close(): Promise<void>;
}

/** Cheap scrypt, as the registry's own tests use: each test world signs up users of its own. */
const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

/**
 * A real registry (`@skills/registry`) on 127.0.0.1, port 0, with its data in a fresh temp dir
 * (password hashing made cheap, uploads read in process).
 * @example
 * const reg = await startTestRegistry()
 * const { token } = await reg.createUser('alice')
 * await reg.close()
 */
export async function startTestRegistry(): Promise<TestRegistry> {
  const { createInProcessPool, startServer } = await import('@skills/registry');
  const { dir: dataDir, cleanup } = await makeTempDir('skills-registry-');
  // Uploads are read in process: worker threads started from TypeScript sources take seconds,
  // and the registry's own tests cover them.
  const requests: TestRegistry['requests'] = [];
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    deps: {
      uploadPool: createInProcessPool(),
      passwordCost: TEST_PASSWORD_COST,
      log: (entry) => {
        if (entry.msg === 'request')
          requests.push({
            method: String(entry.method),
            path: String(entry.path),
            status: Number(entry.status),
          });
      },
    },
  });
  const url = server.url.replace(/\/+$/, '');
  return {
    url,
    dataDir,
    requests,
    async createUser(name) {
      const password = `${name}-password-123`;
      const signup = await fetch(`${url}/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password }),
      });
      if (signup.status !== 201)
        throw new Error(`signup of ${name}: HTTP ${signup.status} ${await signup.text()}`);
      const res = await fetch(`${url}/v1/tokens`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
        },
        body: JSON.stringify({ scope: 'publish' }),
      });
      if (res.status !== 201) throw new Error(`token for ${name}: HTTP ${res.status} ${await res.text()}`);
      const { token } = (await res.json()) as { token: string };
      return { token, password };
    },
    async close() {
      await server.close();
      await cleanup();
    },
  };
}
