import { spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type ServerProcess, stopChild } from './proc.ts';

/** Debian's HAProxy, where `.ci/run` and `scripts/s3/start-ceph.sh` install it. */
export const HAPROXY_BIN = '/usr/sbin/haproxy';

/**
 * HAProxy on 127.0.0.1 in front of `backends` (`http://127.0.0.1:PORT` URLs), configured as
 * `docs/operating.md` shows (round robin, health checks on `/v1/health`, retries of requests that
 * got no answer), without TLS. Ready once a health check through it answers 200.
 */
export async function startHaproxy(opts: { backends: string[]; dir: string }): Promise<ServerProcess> {
  const port = await freePort();
  const servers = opts.backends.map((url, i) => `  server r${i} ${new URL(url).host} check`);
  const config = `global
  maxconn 1024
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 130s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
  option http-buffer-request
frontend skills
  bind 127.0.0.1:${port}
  default_backend registries
backend registries
  balance roundrobin
  option httpchk
  http-check send meth GET uri /v1/health ver HTTP/1.1 hdr Host registry
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
${servers.join('\n')}
`;
  const file = join(opts.dir, `haproxy-${port}.cfg`);
  writeFileSync(file, config);
  const logFile = join(opts.dir, `haproxy-${port}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(HAPROXY_BIN, ['-f', file, '-db'], { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i === 100 || child.exitCode !== null) {
      child.kill('SIGTERM');
      throw new Error(`haproxy did not come up; see ${logFile}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return { url, pid: child.pid!, child, logFile, stop: () => stopChild(child) };
}
