/**
 * `node --import tsx bench/lib/registry-no-limits.ts DATA_DIR`: our registry exactly as
 * `skills-registry serve` runs it (built code, request log lines on stderr), but with rate
 * limits off, so the publish benchmark measures publishing rather than the per-user limiter.
 */
import { startServer } from '@skills/registry';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: registry-no-limits.ts DATA_DIR');
  process.exit(2);
}
const server = await startServer({
  dataDir,
  port: 0,
  host: '127.0.0.1',
  rateLimits: false,
  log: (entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
});
process.stdout.write(`listening on ${server.url}\n`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
