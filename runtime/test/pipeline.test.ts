import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PipelineEvent, RuntimeError, runPipeline, substitute } from '../src/index.ts';
import { chatReply, responsesReply, startModelServer } from './helpers/model-server.ts';
import { makeProject, skillMd } from './helpers/project.ts';

const SHIP = `name: ship
inputs:
  design: { description: Path to the design, required: true }
  tone: { default: friendly }
permissions: { scripts: deny }
steps:
  - id: docs
    needs: [ui]
    skill: docs-site
    prompt: "Document \${{ steps.ui.outputs.component }}. Summary of ui: \${{ steps.ui.summary }} (\${{ steps.ui.status }}), tone \${{ inputs.tone }}"
  - id: ui
    skill: design-to-ui
    prompt: Build the components for \${{ inputs.design }}
    permissions: { scripts: allow }
    outputs:
      component: { description: The main component file }
`;

async function project(pipeline = SHIP) {
  return makeProject({
    '.agents/skills/design-to-ui/SKILL.md': skillMd('design-to-ui', 'Turn designs into UI.', 'Use React.\n'),
    '.agents/skills/docs-site/SKILL.md': skillMd('docs-site', 'Write docs.', 'Write Markdown.\n'),
    '.agents/pipelines/ship.yaml': pipeline,
  });
}

const finish = (id: string, args: unknown) =>
  chatReply({ calls: [{ id, name: 'finish_step', arguments: args }] });

describe('runPipeline', () => {
  it('orders steps by needs, activates each skill up front, and passes summaries and outputs on', async () => {
    const cwd = await project();
    const srv = await startModelServer([
      finish('f1', {
        summary: 'Built the Button.',
        status: 'success',
        outputs: { component: 'src/Button.tsx' },
      }),
      chatReply({ content: 'Documented the Button.' }),
    ]);
    const events: PipelineEvent[] = [];
    try {
      const result = await runPipeline({
        file: join(cwd, '.agents/pipelines/ship.yaml'),
        inputs: { design: 'designs/home.fig' },
        client: srv.client,
        model: 'm',
        cwd,
        onEvent: (e) => events.push(e),
      });
      expect(result).toEqual({
        id: expect.stringMatching(/^\d{8}-\d{6}-ship-[0-9a-f]{4}$/),
        dir: join(cwd, '.agents/runs', result.id),
        name: 'ship',
        status: 'success',
        steps: {
          ui: { status: 'success', summary: 'Built the Button.', outputs: { component: 'src/Button.tsx' } },
          docs: { status: 'success', summary: 'Documented the Button.', outputs: {} },
        },
      });
      const [ui, docs] = srv.requests.map((r) => r.body);
      expect(ui!.messages![1]!.content).toBe('Build the components for designs/home.fig');
      expect(ui!.messages![0]!.content).toMatch(/step "ui" of the pipeline "ship"/);
      expect(ui!.messages![0]!.content).toMatch(
        /<skill_content name="design-to-ui">\nUse React\.\n<\/skill_content>/,
      );
      expect(ui!.messages![0]!.content).toMatch(/Outputs to report:\n- component: The main component file/);
      const uiTools = ui!.tools!.map((t) => t.function.name);
      expect(uiTools).toEqual(['activate_skill', 'read_skill_file', 'run_skill_script', 'finish_step']);
      const finishTool = ui!.tools!.at(-1)!.function.parameters;
      expect(finishTool.properties.outputs).toEqual({
        type: 'object',
        properties: { component: { type: 'string', description: 'The main component file' } },
        required: ['component'],
        additionalProperties: false,
      });
      expect(docs!.messages![1]!.content).toBe(
        'Document src/Button.tsx. Summary of ui: Built the Button. (success), tone friendly',
      );
      expect(docs!.messages![0]!.content).toMatch(/<skill_content name="docs-site">/);
      expect(docs!.tools!.map((t) => t.function.name)).not.toContain('run_skill_script');
      expect(
        events.flatMap((e) => (e.type !== 'session' && 'step' in e ? [`${e.type} ${e.step}`] : [])),
      ).toEqual(['step_started ui', 'step_finished ui', 'step_started docs', 'step_finished docs']);
      expect(events).toContainEqual({
        type: 'session',
        step: 'ui',
        event: { type: 'skill_activated', name: 'design-to-ui' },
      });
    } finally {
      await srv.close();
    }
  });

  it('skips the dependents of a failed step and still runs independent steps (Responses API)', async () => {
    const cwd = await project();
    const pipeline = {
      name: 'p',
      steps: [
        { id: 'a', skill: 'design-to-ui' },
        { id: 'b', needs: ['a'], skill: 'docs-site' },
        { id: 'c', needs: ['b'], skill: 'docs-site' },
        { id: 'd', skill: 'docs-site', outputs: { url: {} } },
      ],
    };
    const srv = await startModelServer([
      responsesReply({
        calls: [
          {
            id: 'f',
            name: 'finish_step',
            arguments: { summary: 'No design.', status: 'failed', outputs: {} },
          },
        ],
      }),
      responsesReply({ text: 'Wrote the docs but forgot the url.' }),
    ]);
    try {
      const result = await runPipeline({
        pipeline,
        client: srv.client,
        model: 'm',
        api: 'responses',
        cwd,
        concurrency: 1,
      });
      expect(result.status).toBe('failed');
      expect(result.steps).toEqual({
        a: { status: 'failed', summary: 'No design.', outputs: {} },
        b: { status: 'skipped', summary: 'skipped: needs a (failed)', outputs: {} },
        c: { status: 'skipped', summary: 'skipped: needs b (skipped)', outputs: {} },
        d: {
          status: 'failed',
          summary: 'Wrote the docs but forgot the url.\n(outputs not reported: url)',
          outputs: {},
        },
      });
      expect(srv.requests).toHaveLength(2);
      expect(srv.requests[1]!.body.input![0]!.content).toBe(
        'Carry out the instructions of the skill "docs-site" for this project.',
      );
    } finally {
      await srv.close();
    }
  });

  it('fails a step whose model server errors, without throwing', async () => {
    const cwd = await project();
    const srv = await startModelServer([{ json: { error: { message: 'bad key' } }, status: 401 }]);
    try {
      const pipeline = { name: 'p', steps: [{ id: 'a', skill: 'docs-site' }] };
      const result = await runPipeline({ pipeline, client: srv.client, model: 'm', cwd });
      expect(result.steps.a).toMatchObject({ status: 'failed', summary: expect.stringMatching(/bad key/) });
    } finally {
      await srv.close();
    }
  });

  it('throws before any request: missing or unknown input, invalid pipeline, skill not installed', async () => {
    const cwd = await project();
    const srv = await startModelServer([]);
    const base = { client: srv.client, model: 'm', cwd };
    const file = join(cwd, '.agents/pipelines/ship.yaml');
    try {
      const missing = await runPipeline({ ...base, file }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(RuntimeError);
      expect(missing).toMatchObject({
        code: 'INPUT_MISSING',
        message: 'pipeline "ship" needs input "design"',
      });
      await expect(
        runPipeline({ ...base, file, inputs: { design: 'x', colour: 'red' } }),
      ).rejects.toMatchObject({
        code: 'INPUT_UNKNOWN',
      });
      const bad = {
        name: 'bad',
        steps: [
          { id: 'a', skill: 'docs-site', needs: ['zzz'] },
          { id: 'b', skill: 'docs-site', prompt: '${{ steps.a.summary }}' },
        ],
      };
      const invalid = (await runPipeline({ ...base, pipeline: bad }).catch(
        (e: unknown) => e,
      )) as RuntimeError;
      expect(invalid.code).toBe('PIPELINE_INVALID');
      expect(invalid.problems.map((p) => p.path)).toEqual([
        'pipeline: steps[0].needs',
        'pipeline: steps[1].prompt',
      ]);
      const notInstalled = { name: 'x', steps: [{ id: 'a', skill: 'nope' }] };
      await expect(runPipeline({ ...base, pipeline: notInstalled })).rejects.toMatchObject({
        code: 'SKILL_NOT_INSTALLED',
      });
      await expect(runPipeline({ ...base, file: join(cwd, 'none.yaml') })).rejects.toMatchObject({
        code: 'PIPELINE_NOT_FOUND',
      });
      const yamlError = await project('name: [x\n');
      await expect(
        runPipeline({ ...base, file: join(yamlError, '.agents/pipelines/ship.yaml') }),
      ).rejects.toMatchObject({
        code: 'PIPELINE_INVALID',
        message: expect.stringMatching(/ship\.yaml: line/),
      });
      expect(srv.requests).toHaveLength(0);
    } finally {
      await srv.close();
    }
  });
});

describe('substitute', () => {
  it('fills inputs, summaries, statuses and outputs; unknown values are empty', () => {
    const steps = { a: { status: 'success' as const, summary: 'S', outputs: { o: 'O' } } };
    expect(
      substitute(
        '${{inputs.x}}|${{ steps.a.summary }}|${{ steps.a.status }}|${{ steps.a.outputs.o }}|${{ steps.a.outputs.z }}',
        { x: 'X' },
        steps,
      ),
    ).toBe('X|S|success|O|');
  });
});
