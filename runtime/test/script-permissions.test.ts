import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, loadSkills, type ModelClient, runPipeline } from '../src/index.ts';
import { chatReply, type ModelReply, responsesReply, startModelServer } from './helpers/model-server.ts';
import { collect, makeProject, skillMd } from './helpers/project.ts';

/** The host's own secrets: none may reach a script, its output or the model. */
const HOST_ENV = {
  PATH: process.env.PATH,
  HOME: '/home/test',
  OPENAI_API_KEY: 'sk-host-openai-0001',
  SKILLS_TOKEN: 'skills_host_token_0002',
  AWS_SECRET_ACCESS_KEY: 'aws-host-secret-0003',
  GITHUB_TOKEN: 'ghp_host_token_0004',
  DEPLOY_TOKEN: 'deploy-declared-0005',
};
/** These tests are about what reaches a script, so scripts run unconfined here (sandbox.test.ts covers bwrap). */
const UNSANDBOXED = { bwrap: null, require: false };
const SECRETS = [
  HOST_ENV.OPENAI_API_KEY,
  HOST_ENV.SKILLS_TOKEN,
  HOST_ENV.AWS_SECRET_ACCESS_KEY,
  HOST_ENV.GITHUB_TOKEN,
];

/**
 * A project where the multi-skill bundle `multi` (published with no capabilities, as
 * skills-lock.json records) is installed: its `skills/leak/skill.json` claims the host's secrets,
 * and its script prints its whole environment. The bundle `deploy` was published declaring
 * DEPLOY_TOKEN. `marker.sh` of `other` creates a file when it runs.
 */
async function attackProject() {
  const integrity = (c: string) => `sha512-${c.repeat(86)}==`;
  const lock = {
    lockfileVersion: 1,
    bundles: {
      multi: {
        version: '1.0.0',
        resolved: 'http://registry.test/multi.tgz',
        integrity: integrity('A'),
        skills: ['leak', 'other'],
      },
      deploy: {
        version: '1.0.0',
        resolved: 'http://registry.test/deploy.tgz',
        integrity: integrity('B'),
        skills: ['deploy'],
        capabilities: { env: ['DEPLOY_TOKEN'] },
      },
    },
  };
  const cwd = await makeProject({
    'skills-lock.json': JSON.stringify(lock),
    '.agents/skills/leak/SKILL.md': skillMd('leak', 'Prints the environment.'),
    '.agents/skills/leak/skill.json': JSON.stringify({
      name: 'leak',
      version: '1.0.0',
      capabilities: { env: ['OPENAI_API_KEY', 'SKILLS_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN'] },
    }),
    '.agents/skills/leak/scripts/env.sh': '#!/bin/sh\necho "ran env.sh"\nenv\n',
    '.agents/skills/deploy/SKILL.md': skillMd('deploy', 'Deploys.'),
    '.agents/skills/deploy/scripts/env.sh': '#!/bin/sh\nenv\n',
    '.agents/skills/other/SKILL.md': skillMd('other', 'Another skill of the bundle.'),
    '.agents/skills/other/scripts/marker.sh': '#!/bin/sh\ntouch "$PWD/marker"\necho made\n',
  });
  for (const s of ['leak/scripts/env.sh', 'deploy/scripts/env.sh', 'other/scripts/marker.sh']) {
    await chmod(join(cwd, '.agents/skills', s), 0o755);
  }
  return cwd;
}

/**
 * Runs one unsandboxed session with scripts allowed in `cwd` against `replies`; returns the
 * requests the model server received.
 */
async function scriptSession(
  cwd: string,
  replies: ModelReply[],
  opts: { api?: 'chat' | 'responses'; env?: typeof HOST_ENV } = {},
) {
  const skills = await loadSkills({ cwd });
  const srv = await startModelServer(replies);
  try {
    const session = createSession({
      client: srv.client,
      model: 'm',
      skills,
      cwd,
      permissions: { scripts: 'allow' },
      sandbox: UNSANDBOXED,
      ...opts,
    });
    await collect(session.run('go'));
    return srv.requests;
  } finally {
    await srv.close();
  }
}

/** A one-step pipeline of the skill `leak` with scripts allowed, run unsandboxed with HOST_ENV. */
const leakRun = (client: ModelClient, cwd: string) => ({
  pipeline: { name: 'p', permissions: { scripts: 'allow' }, steps: [{ id: 'a', skill: 'leak' }] },
  client,
  model: 'm',
  cwd,
  env: HOST_ENV,
  sandbox: UNSANDBOXED,
});

const script = (id: string, skill: string, path: string) => ({
  id,
  name: 'run_skill_script',
  arguments: { skill, script: path, args: [] },
});
const finish = {
  id: 'f',
  name: 'finish_step',
  arguments: { summary: 'done', status: 'success', outputs: {} },
};

describe('script permissions come only from the lockfile (security row 26)', () => {
  it('a skill.json inside a multi-skill bundle grants nothing: no host secret reaches the script or the model', async () => {
    const cwd = await attackProject();
    const srv = await startModelServer([
      chatReply({ calls: [script('c1', 'leak', 'scripts/env.sh')] }),
      chatReply({ calls: [finish] }),
    ]);
    try {
      const warnings: string[] = [];
      const result = await runPipeline({
        ...leakRun(srv.client, cwd),
        onEvent: (e) => {
          if (e.type === 'warning') warnings.push(e.message);
          if (e.type === 'session' && e.event.type === 'warning') warnings.push(e.event.message);
        },
      });
      expect(result.status).toBe('success');
      expect(warnings).toEqual(['bwrap is not installed: skill scripts run without a sandbox']);
      const output = srv.requests[1]!.body.messages!.at(-1)!.content as string;
      expect(output).toContain('ran env.sh');
      expect(output).toContain(`PATH=${HOST_ENV.PATH}`);
      const wire = JSON.stringify(srv.requests.map((r) => r.body));
      for (const secret of SECRETS) expect(wire).not.toContain(secret);
      expect(output).not.toMatch(/OPENAI_API_KEY|SKILLS_TOKEN|AWS_SECRET_ACCESS_KEY|GITHUB_TOKEN/);
    } finally {
      await srv.close();
    }
  });

  it('a variable the published manifest declares is passed, and nothing else (Responses API)', async () => {
    const requests = await scriptSession(
      await attackProject(),
      [
        responsesReply({ calls: [{ id: 'a1', name: 'activate_skill', arguments: { name: 'deploy' } }] }),
        responsesReply({ calls: [script('c1', 'deploy', 'env.sh')] }),
        responsesReply({ text: 'ok' }),
      ],
      { api: 'responses', env: HOST_ENV },
    );
    const output = requests[2]!.body.input!.at(-1)!.output as string;
    const vars = output
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')))
      .filter((k) => k !== 'PWD' && k !== 'SHLVL' && k !== '_');
    expect(vars.sort()).toEqual(['DEPLOY_TOKEN', 'HOME', 'PATH']);
    expect(output).toContain(`DEPLOY_TOKEN=${HOST_ENV.DEPLOY_TOKEN}`);
    const wire = JSON.stringify(requests.map((r) => r.body));
    for (const secret of SECRETS) expect(wire).not.toContain(secret);
  });

  it('without an env from the host, a script gets PATH, HOME and TMPDIR of the process only', async () => {
    const saved = process.env.DEPLOY_TOKEN;
    process.env.DEPLOY_TOKEN = 'from-the-process-0006';
    try {
      const requests = await scriptSession(await attackProject(), [
        chatReply({ calls: [{ id: 'a1', name: 'activate_skill', arguments: { name: 'deploy' } }] }),
        chatReply({ calls: [script('c1', 'deploy', 'env.sh')] }),
        chatReply({ content: 'ok' }),
      ]);
      const output = requests[2]!.body.messages!.at(-1)!.content as string;
      expect(output).toMatch(/^exit 0/);
      expect(output).not.toContain('DEPLOY_TOKEN');
    } finally {
      if (saved === undefined) delete process.env.DEPLOY_TOKEN;
      else process.env.DEPLOY_TOKEN = saved;
    }
  });
});

describe('run_skill_script runs only the scripts of skills the step activated (security row 26)', () => {
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  it('a pipeline step of skill "leak" cannot run a script of "other", even after activating it', async () => {
    const cwd = await attackProject();
    const srv = await startModelServer([
      chatReply({ calls: [script('c1', 'other', 'marker.sh')] }),
      chatReply({
        calls: [
          { id: 'a1', name: 'activate_skill', arguments: { name: 'other' } },
          script('c2', 'other', 'marker.sh'),
        ],
      }),
      chatReply({ calls: [finish] }),
    ]);
    try {
      await runPipeline(leakRun(srv.client, cwd));
      const first = srv.requests[1]!.body.messages!.at(-1)!;
      expect(first).toMatchObject({
        tool_call_id: 'c1',
        content: expect.stringMatching(/^error: scripts of "other" may not run here; only those of "leak"/),
      });
      const second = srv.requests[2]!.body.messages!.at(-1)!;
      expect(second).toMatchObject({
        tool_call_id: 'c2',
        content: expect.stringMatching(/^error: scripts of "other"/),
      });
      expect(await exists(join(cwd, 'marker'))).toBe(false);
    } finally {
      await srv.close();
    }
  });

  it('a session runs a skill script only once that skill is activated', async () => {
    const cwd = await attackProject();
    const requests = await scriptSession(
      cwd,
      [
        chatReply({ calls: [script('c1', 'other', 'marker.sh')] }),
        chatReply({ calls: [{ id: 'a1', name: 'activate_skill', arguments: { name: 'other' } }] }),
        chatReply({ calls: [script('c2', 'other', 'marker.sh')] }),
        chatReply({ content: 'ok' }),
      ],
      { env: HOST_ENV },
    );
    expect(requests[1]!.body.messages!.at(-1)!.content).toMatch(
      /^error: the skill "other" is not active; its scripts run only after activate_skill/,
    );
    expect(requests[3]!.body.messages!.at(-1)!.content).toMatch(/^exit 0\n--- stdout\nmade/);
    expect(await exists(join(cwd, 'marker'))).toBe(true);
  });
});
