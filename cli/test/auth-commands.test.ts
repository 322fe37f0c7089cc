import { stat } from 'node:fs/promises';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig, skillsPaths } from '../src/lib/config.ts';
import { main } from '../src/main.ts';
import { makeTempDir } from './helpers/fs.ts';
import { cliHome } from './helpers/run-cli.ts';
import { runMain } from './helpers/run-main.ts';
import { envelope, type RecordedRequest, startScriptedServer } from './helpers/scripted-server.ts';

const NEW_TOKEN = 'sk_created_by_login_0123456789abcdef';
const OTHER_TOKEN = 'sk_pasted_on_stdin_0123456789abcdef';

/** A registry that knows one user (alice / correct-horse-battery) and the two tokens above. */
function fakeRegistry(req: RecordedRequest) {
  const auth = req.headers.authorization ?? '';
  const basicOk = auth === `Basic ${Buffer.from('alice:correct-horse-battery').toString('base64')}`;
  const bearerOk = auth === `Bearer ${NEW_TOKEN}` || auth === `Bearer ${OTHER_TOKEN}`;
  if (req.method === 'POST' && req.url === '/v1/tokens') {
    if (!basicOk && !bearerOk) return { status: 401, body: envelope('UNAUTHORIZED', 'bad credentials') };
    return { status: 201, body: { id: 'tok-1', token: NEW_TOKEN, scope: 'publish', expiresAt: null } };
  }
  if (!bearerOk)
    return { status: 401, body: envelope('UNAUTHORIZED', `token ${auth.slice(7)} is not valid`) };
  if (req.url === '/v1/whoami') return { status: 200, body: { username: 'alice' } };
  if (req.method === 'DELETE' && req.url === '/v1/tokens/tok-1') return { status: 204 };
  return { status: 404, body: envelope('NOT_FOUND', 'nothing here') };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function world() {
  const srv = await startScriptedServer(fakeRegistry);
  const { dir, cleanup } = await makeTempDir('skills-auth-');
  cleanups.push(srv.close, cleanup);
  const env = { SKILLS_REGISTRY: srv.url };
  const paths = skillsPaths({ ...cliHome(dir) });
  return { srv, cwd: dir, env, paths };
}

describe('login, whoami, logout', () => {
  it('logs in with --password-stdin, stores only the token (0600), and never prints it', async () => {
    const w = await world();
    const r = await runMain(['login', '--username', 'alice', '--password-stdin'], {
      cwd: w.cwd,
      env: w.env,
      input: 'correct-horse-battery\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`logged in to ${w.srv.url} as alice\n`);
    expect(r.stdout + r.stderr).not.toContain(NEW_TOKEN);
    const config = await readConfig(w.paths);
    expect(config.registries[w.srv.url]).toEqual({ token: NEW_TOKEN, username: 'alice', tokenId: 'tok-1' });
    expect(JSON.stringify(config)).not.toContain('correct-horse');
    expect((await stat(w.paths.configFile)).mode & 0o777).toBe(0o600);

    const who = await runMain(['whoami', '--json'], { cwd: w.cwd, env: w.env });
    expect(JSON.parse(who.stdout)).toEqual({ username: 'alice', registry: w.srv.url });

    const out = await runMain(['logout'], { cwd: w.cwd, env: w.env });
    expect(out.stdout).toContain('token revoked');
    expect(w.srv.requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/v1/tokens/tok-1' });
    expect((await readConfig(w.paths)).registries).toEqual({});
  });

  it('logs in with --token-stdin after checking the token', async () => {
    const w = await world();
    const r = await runMain(['login', '--token-stdin', '--json'], {
      cwd: w.cwd,
      env: w.env,
      input: `${OTHER_TOKEN}\n`,
    });
    expect(JSON.parse(r.stdout)).toEqual({ registry: w.srv.url, username: 'alice' });
    expect((await readConfig(w.paths)).registries[w.srv.url]?.token).toBe(OTHER_TOKEN);
    const bad = await runMain(['login', '--token-stdin'], {
      cwd: w.cwd,
      env: w.env,
      input: 'sk_wrong_token_000000000000000000',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ERR_SKILLS_UNAUTHORIZED: /);
    expect(bad.stderr).not.toContain('sk_wrong_token');
  });

  it('prompts for user and hidden password on a TTY', async () => {
    const w = await world();
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
    stdin.isTTY = true;
    let stderr = '';
    const answered = new Set<string>();
    const answer = (question: string, text: string) => {
      if (stderr.includes(question) && !answered.has(question)) {
        answered.add(question);
        setImmediate(() => stdin.write(text));
      }
    };
    const errStream = new Writable({
      write(chunk, _e, cb) {
        stderr += String(chunk);
        answer('Username: ', 'alice\n');
        answer('Password: ', 'correct-horse-battery\n');
        cb();
      },
    });
    const out: string[] = [];
    const code = await main({
      argv: ['login'],
      cwd: w.cwd,
      env: { ...cliHome(w.cwd), ...w.env },
      stdin,
      stdout: new Writable({
        write(c, _e, cb) {
          out.push(String(c));
          cb();
        },
      }),
      stderr: errStream,
      version: 'test',
    });
    expect(code).toBe(0);
    expect(out.join('')).toContain('as alice');
    expect(stderr).toContain('Password: ');
    expect(stderr).not.toContain('correct-horse');
  });

  it('refuses to prompt without a TTY and says how to log in from scripts', async () => {
    const w = await world();
    const r = await runMain(['login'], { cwd: w.cwd, env: w.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ERR_SKILLS_USAGE: .*terminal.*\nhint: .*--password-stdin/);
    expect(w.srv.requests).toEqual([]);
  });

  it('wrong password: one coded line and a hint, JSON error on stdout with --json, no stack', async () => {
    const w = await world();
    const r = await runMain(['login', '-u', 'alice', '--password-stdin', '--json'], {
      cwd: w.cwd,
      env: w.env,
      input: 'wrong-password-000',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'ERR_SKILLS_UNAUTHORIZED: bad credentials',
      `hint: run \`skills login --registry ${w.srv.url}\` or set SKILLS_TOKEN`,
      '',
    ]);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'UNAUTHORIZED', message: 'bad credentials' });
    expect(r.stdout + r.stderr).not.toContain('wrong-password');
  });

  it('whoami without a token fails before any request', async () => {
    const w = await world();
    const r = await runMain(['whoami'], { cwd: w.cwd, env: w.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERR_SKILLS_UNAUTHORIZED: not logged in/);
    expect(w.srv.requests).toEqual([]);
  });

  it('never shows SKILLS_TOKEN, even when the registry echoes it', async () => {
    const w = await world();
    const token = 'sk_env_token_that_is_wrong_0123456789';
    const r = await runMain(['whoami', '--json'], { cwd: w.cwd, env: { ...w.env, SKILLS_TOKEN: token } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[redacted]');
    expect(r.stdout + r.stderr).not.toContain(token);
  });
});

describe('token create', () => {
  it('prints the new token alone on stdout, details on stderr', async () => {
    const w = await world();
    const env = { ...w.env, SKILLS_TOKEN: OTHER_TOKEN };
    const r = await runMain(['token', 'create', '--scope', 'read', '--expires', '30d'], { cwd: w.cwd, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${NEW_TOKEN}\n`);
    expect(r.stderr).toContain('tok-1');
    expect(JSON.parse(w.srv.requests.at(-1)?.body.toString() ?? '')).toEqual({
      scope: 'read',
      expiresInDays: 30,
    });
    const bad = await runMain(['token', 'create', '--expires', 'soon'], { cwd: w.cwd, env });
    expect(bad.code).toBe(2);
  });
});
