import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPipelineFile } from '../src/lib/project/pipeline-source.ts';
import { integrityHex } from '../src/lib/store/store-index.ts';
import { chatCompletion } from './helpers/chat-reply.ts';
import { makeTempDir, skillMd, writeTree } from './helpers/fs.ts';
import { runCli } from './helpers/run-cli.ts';
import { type RecordedRequest, startScriptedServer } from './helpers/scripted-server.ts';

const SHIP = `name: ship
inputs:
  topic: { required: true }
steps:
  - id: write
    skill: x
    prompt: Write about \${{ inputs.topic }}
  - id: review
    needs: [write]
    skill: x
    prompt: "Review this: \${{ steps.write.summary }}"
`;

const chat = chatCompletion;

const finishCall = (summary: string) =>
  chat({
    tool_calls: [
      {
        id: 'call_1',
        type: 'function',
        function: {
          name: 'finish_step',
          arguments: JSON.stringify({ summary, status: 'success', outputs: {} }),
        },
      },
    ],
  });

const bodyOf = (r: RecordedRequest) => JSON.parse(r.body.toString('utf8'));

async function project() {
  const { dir, cleanup } = await makeTempDir('run-');
  await writeTree(dir, {
    '.agents/skills/x/SKILL.md': skillMd(
      { name: 'x', description: 'Writes things.' },
      'Write short sentences.\n',
    ),
    '.agents/pipelines/ship.yaml': SHIP,
  });
  return { dir, cleanup };
}

describe('skills run', () => {
  it('runs a project pipeline against an OpenAI-compatible server given by --base-url', async () => {
    const { dir, cleanup } = await project();
    const srv = await startScriptedServer((_req, i) =>
      i === 0 ? finishCall('Wrote three lines about cats.') : chat({ content: 'Looks good.' }),
    );
    try {
      const r = await runCli(
        ['run', 'ship', '--input', 'topic=cats', '--base-url', `${srv.url}/v1`, '--model', 'm'],
        {
          cwd: dir,
        },
      );
      expect(r.stderr).toBe(
        '▸ write (x)\n    finish_step: step success\n✓ write success\n▸ review (x)\n✓ review success\n',
      );
      expect(r.stdout).toMatch(
        /^ship: success \(run \d{8}-\d{6}-ship-[0-9a-f]{4}\)\n✓ write: Wrote three lines about cats\.\n✓ review: Looks good\.\n$/,
      );
      expect(r.code).toBe(0);
      expect(srv.requests.map((q) => q.url)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
      expect(srv.requests[0]!.headers.authorization).toBe('Bearer sk-no-key');
      const [first, second] = srv.requests.map(bodyOf);
      expect(first.model).toBe('m');
      expect(first.messages[0].content).toContain(
        '<skill_content name="x">\nWrite short sentences.\n</skill_content>',
      );
      expect(first.messages[1]).toEqual({ role: 'user', content: 'Write about cats' });
      expect(first.tools[0].function.parameters.properties.name.enum).toEqual(['x']);
      expect(second.messages[1]).toEqual({
        role: 'user',
        content: 'Review this: Wrote three lines about cats.',
      });
    } finally {
      await srv.close();
      await cleanup();
    }
  });

  it('speaks the Responses API with --api responses, and prints JSON with --json', async () => {
    const { dir, cleanup } = await project();
    const srv = await startScriptedServer(() => ({
      status: 200,
      body: {
        id: 'r',
        status: 'completed',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] }],
      },
    }));
    try {
      const r = await runCli(
        ['run', '.agents/pipelines/ship.yaml', '--input', 'topic=dogs', '--api', 'responses', '--json'],
        {
          cwd: dir,
          env: {
            OPENAI_BASE_URL: `${srv.url}/v1`,
            OPENAI_API_KEY: 'sk-local-123456789',
            SKILLS_MODEL: 'local',
          },
        },
      );
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ name: 'ship', status: 'success', model: 'local', api: 'responses' });
      expect(out.steps.review).toEqual({ status: 'success', summary: 'Done.', outputs: {} });
      expect(srv.requests[0]!.url).toBe('/v1/responses');
      expect(srv.requests[0]!.headers.authorization).toBe('Bearer sk-local-123456789');
      expect(bodyOf(srv.requests[1]!).input[0].content).toBe('Review this: Done.');
      expect(r.stderr).not.toContain('sk-local');
    } finally {
      await srv.close();
      await cleanup();
    }
  });

  it('finds a pipeline shipped in an installed bundle, and fails a step the server refuses (exit 1)', async () => {
    const { dir, cleanup } = await makeTempDir('run-');
    await writeTree(dir, {
      '.agents/skills/x/SKILL.md': skillMd({ name: 'x', description: 'Writes things.' }),
      '.agents/skills/x/pipelines/solo.yaml': 'name: solo\nsteps:\n  - id: only\n    skill: x\n',
    });
    const srv = await startScriptedServer(() => ({
      status: 400,
      body: { error: { message: 'no such model' } },
    }));
    try {
      const r = await runCli(['run', 'solo', '--base-url', srv.url, '--model', 'nope'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /^solo: failed \(run [^)]+\)\n✗ only: the model server failed: 400 no such model\n$/,
      );
    } finally {
      await srv.close();
      await cleanup();
    }
  });

  it('says what is missing before any request: model, input, pipeline', async () => {
    const { dir, cleanup } = await project();
    const srv = await startScriptedServer(() => ({ status: 500 }));
    try {
      const base = ['--base-url', srv.url];
      const noModel = await runCli(['run', 'ship', ...base], { cwd: dir });
      expect(noModel).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^ERR_SKILLS_USAGE: no model given\nhint: .*SKILLS_MODEL/),
      });
      const noKey = await runCli(['run', 'ship', '--model', 'm'], { cwd: dir });
      expect(noKey.stderr).toMatch(/^ERR_SKILLS_USAGE: OPENAI_API_KEY is not set/);
      const noInput = await runCli(['run', 'ship', '--model', 'm', ...base], { cwd: dir });
      expect(noInput).toMatchObject({
        code: 2,
        stderr: 'ERR_SKILLS_INPUT_MISSING: pipeline "ship" needs input "topic"\nhint: --input topic=…\n',
      });
      const unknown = await runCli(['run', 'shp', '--model', 'm', ...base], { cwd: dir });
      expect(unknown).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/ERR_SKILLS_NOT_FOUND: .*\nhint: pipelines here: ship\n/),
      });
      expect(srv.requests).toHaveLength(0);
    } finally {
      await srv.close();
      await cleanup();
    }
  });
});

describe('findPipelineFile', () => {
  it('looks in the project, then in the locked bundles in the store, then in installed skill roots', async () => {
    const { dir, cleanup } = await makeTempDir('find-');
    try {
      const integrity = `sha512-${createHash('sha512').update('bundle').digest('base64')}`;
      const entry = `cache/skills/store/${integrityHex(integrity)}`;
      const locked = { version: '1.0.0', resolved: 'http://r/t.tgz', integrity, skills: ['a', 'b'] };
      const index = {
        storeIndexVersion: 1,
        name: 'multi',
        version: '1.0.0',
        integrity,
        skills: [],
        files: [],
      };
      await writeTree(dir, {
        'p/skills-lock.json': JSON.stringify({ lockfileVersion: 1, bundles: { multi: locked } }),
        [`${entry}/index.json`]: JSON.stringify(index),
        [`${entry}/package/pipelines/release.yaml`]: 'name: release',
        'p/.agents/skills/x/pipelines/release.yaml': 'name: release',
        'p/.agents/skills/x/pipelines/solo.yml': 'name: solo',
        'p/.agents/pipelines/mine.yaml': 'name: mine',
      });
      const find = (spec: string) =>
        findPipelineFile({
          projectDir: join(dir, 'p'),
          cwd: join(dir, 'p'),
          spec,
          env: { XDG_CACHE_HOME: join(dir, 'cache') },
        });
      expect(await find('mine')).toEqual({
        file: join(dir, 'p/.agents/pipelines/mine.yaml'),
        from: 'project',
      });
      expect(await find('release')).toEqual({
        file: join(dir, entry, 'package/pipelines/release.yaml'),
        from: 'multi@1.0.0',
      });
      expect(await find('solo')).toEqual({
        file: join(dir, 'p/.agents/skills/x/pipelines/solo.yml'),
        from: '.agents/skills/x',
      });
      await expect(find('nope')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        hint: 'pipelines here: mine, release, solo',
      });
    } finally {
      await cleanup();
    }
  });
});
