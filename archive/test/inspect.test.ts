/** inspectBundle against each rule of docs/formats.md. */
import { describe, expect, it } from 'vitest';
import { type BundleInspection, inspectBundle } from '../src/index.ts';
import { files, manifest, skillMd } from './helpers/bundles.ts';

const SKILL = skillMd('name: deploy\ndescription: Deploys the app.');
const MANIFEST = { name: 'deploy', version: '1.2.0' };

function single(
  fm: string,
  json: Record<string, unknown> | undefined = MANIFEST,
  strict = false,
): BundleInspection {
  const tree: Record<string, string> = { 'SKILL.md': skillMd(fm) };
  if (json) tree['skill.json'] = manifest(json);
  return inspectBundle(files(tree), { strict });
}

const errors = (r: BundleInspection) => r.problems.filter((p) => p.severity === 'error');
const warnings = (r: BundleInspection) => r.problems.filter((p) => p.severity === 'warning');
const paths = (r: BundleInspection) => errors(r).map((p) => p.path);

describe('valid layouts are accepted', () => {
  it('single-skill bundle with skill.json', () => {
    const r = inspectBundle(
      files({ 'SKILL.md': SKILL, 'skill.json': manifest(MANIFEST), 'scripts/x.sh': 'echo' }),
    );
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.skills).toEqual([
      expect.objectContaining({ name: 'deploy', path: '.', body: '# Title\n\nDo the thing.\n' }),
    ]);
    expect(r.manifest).toEqual({ ...MANIFEST, description: 'Deploys the app.' });
    expect(r.capabilities).toEqual({});
  });

  it('scoped bundle name whose last segment is the skill name', () => {
    const r = single('name: deploy\ndescription: d', { name: '@acme/deploy', version: '1.0.0' });
    expect(r.ok).toBe(true);
  });

  it('multi-skill bundle with pipelines and a full manifest', () => {
    const full = {
      name: '@acme/ship',
      version: '2.0.0-beta.1',
      description: 'Ship it',
      license: 'MIT',
      category: 'deploy',
      keywords: ['a', 'b'],
      repository: 'https://example.com/r',
      homepage: 'https://example.com',
      dependencies: { 'vercel-basics': '^1.0.0', '@acme/other': 'latest' },
      capabilities: { network: ['api.vercel.com'], exec: ['vercel'], env: ['VERCEL_TOKEN'], write: ['.'] },
    };
    const r = inspectBundle(
      files({
        'skill.json': manifest(full),
        'skills/design/SKILL.md': skillMd('name: design\ndescription: Designs.'),
        'skills/deploy/SKILL.md': skillMd(
          'name: deploy\ndescription: Deploys.\nallowed-tools: Bash(git:*) Read',
        ),
        'skills/deploy/references/more.md': 'more',
        'pipelines/ship.yaml':
          'name: ship\nsteps:\n  - id: a\n    skill: design\n  - id: b\n    needs: [a]\n    skill: deploy\n',
      }),
    );
    expect(r.problems).toEqual([]);
    expect(r.skills.map((s) => [s.name, s.path])).toEqual([
      ['deploy', 'skills/deploy'],
      ['design', 'skills/design'],
    ]);
    expect(r.pipelines.map((p) => p.path)).toEqual(['pipelines/ship.yaml']);
    expect(r.capabilities).toEqual(full.capabilities);
  });

  it('SKILL.md-only form with metadata.version: a single-skill bundle named after the skill', () => {
    const r = inspectBundle(
      files({
        'SKILL.md': skillMd('name: lint\ndescription: Lints.\nlicense: MIT\nmetadata:\n  version: 0.3.1'),
      }),
    );
    expect(r.ok).toBe(true);
    expect(r.manifest).toEqual({ name: 'lint', version: '0.3.1', description: 'Lints.', license: 'MIT' });
  });
});

describe('SKILL.md frontmatter', () => {
  it.each(['Deploy', 'de--ploy', '-deploy', 'deploy-', 'de_ploy', ''])('refuses the name %j', (name) => {
    const r = single(`name: "${name}"\ndescription: d`);
    expect(paths(r)).toContain('SKILL.md: frontmatter.name');
  });
  it('refuses a name over 64 characters', () => {
    const name = 'a'.repeat(65);
    const r = single(`name: ${name}\ndescription: d`, { name, version: '1.0.0' });
    expect(paths(r)).toContain('SKILL.md: frontmatter.name');
  });
  it('accepts a 64-character name', () => {
    const name = 'a'.repeat(64);
    expect(single(`name: ${name}\ndescription: d`, { name, version: '1.0.0' }).ok).toBe(true);
  });
  it('requires the single skill name to equal the last segment of the bundle name', () => {
    const r = single('name: other\ndescription: d');
    expect(errors(r)).toEqual([
      expect.objectContaining({
        path: 'SKILL.md: frontmatter.name',
        code: 'NAME_MISMATCH',
        message: expect.stringContaining('"deploy"'),
      }),
    ]);
  });
  it('warns (an error when strict) when a multi-skill name differs from its folder, naming the rule and the install place', () => {
    const tree = files({
      'skill.json': manifest({ ...MANIFEST, description: 'd' }),
      'skills/deploy/SKILL.md': skillMd('name: deployer\ndescription: d'),
    });
    const r = inspectBundle(tree);
    expect(r.ok).toBe(true);
    expect(warnings(r)).toEqual([
      {
        path: 'skills/deploy/SKILL.md: frontmatter.name',
        code: 'NAME_MISMATCH',
        severity: 'warning',
        message:
          '"deployer" differs from its folder "deploy" (Agent Skills specification: name must equal the skill\'s folder name); it will be installed as .agents/skills/deployer/',
      },
    ]);
    expect(paths(inspectBundle(tree, { strict: true }))).toEqual([
      'skills/deploy/SKILL.md: frontmatter.name',
    ]);
  });
  it('requires a description of 1 to 1024 characters', () => {
    expect(paths(single('name: deploy'))).toContain('SKILL.md: frontmatter.description');
    expect(paths(single('name: deploy\ndescription: ""'))).toContain('SKILL.md: frontmatter.description');
    expect(paths(single(`name: deploy\ndescription: ${'d'.repeat(1025)}`))).toContain(
      'SKILL.md: frontmatter.description',
    );
    expect(single(`name: deploy\ndescription: ${'d'.repeat(1024)}`).ok).toBe(true);
  });
  it('caps compatibility at 500 characters', () => {
    expect(paths(single(`name: deploy\ndescription: d\ncompatibility: ${'c'.repeat(501)}`))).toContain(
      'SKILL.md: frontmatter.compatibility',
    );
    expect(single(`name: deploy\ndescription: d\ncompatibility: ${'c'.repeat(500)}`).ok).toBe(true);
  });
  it('requires metadata to map strings to strings', () => {
    const r = single('name: deploy\ndescription: d\nmetadata:\n  author: me\n  stars: 5');
    expect(paths(r)).toEqual(['SKILL.md: frontmatter.metadata.stars']);
    expect(paths(single('name: deploy\ndescription: d\nmetadata: [a]'))).toEqual([
      'SKILL.md: frontmatter.metadata',
    ]);
  });
  it('accepts allowed-tools as a YAML list with a warning (an error when strict), recorded as one string', () => {
    const fm = 'name: deploy\ndescription: d\nallowed-tools:\n  - Read\n  - Bash(git:*)';
    const lax = single(fm);
    expect(lax.ok).toBe(true);
    expect(warnings(lax)).toEqual([
      expect.objectContaining({ path: 'SKILL.md: frontmatter.allowed-tools', code: 'ALLOWED_TOOLS_LIST' }),
    ]);
    expect(lax.skills[0]?.frontmatter['allowed-tools']).toBe('Read Bash(git:*)');
    expect(errors(single(fm, MANIFEST, true))).toEqual([
      expect.objectContaining({ path: 'SKILL.md: frontmatter.allowed-tools', code: 'ALLOWED_TOOLS_LIST' }),
    ]);
    expect(paths(single('name: deploy\ndescription: d\nallowed-tools: [Read, 5]'))).toEqual([
      'SKILL.md: frontmatter.allowed-tools',
    ]);
    expect(single('name: deploy\ndescription: d\nallowed-tools: Read Bash').ok).toBe(true);
  });
  it('warns on an unknown key, and errs on it when strict', () => {
    const lax = single('name: deploy\ndescription: d\ncontext: fork');
    expect(lax.ok).toBe(true);
    expect(warnings(lax)).toEqual([
      expect.objectContaining({ path: 'SKILL.md: frontmatter.context', code: 'UNKNOWN_KEY' }),
    ]);
    const strict = single('name: deploy\ndescription: d\ncontext: fork', MANIFEST, true);
    expect(strict.ok).toBe(false);
    expect(errors(strict)).toEqual([
      expect.objectContaining({ path: 'SKILL.md: frontmatter.context', code: 'UNKNOWN_KEY' }),
    ]);
  });
  it('reports missing frontmatter as an error', () => {
    const r = inspectBundle(files({ 'SKILL.md': '# Just markdown\n', 'skill.json': manifest(MANIFEST) }));
    expect(errors(r)).toEqual([expect.objectContaining({ path: 'SKILL.md', code: 'MISSING_FRONTMATTER' })]);
  });
  it('reports unclosed frontmatter', () => {
    const r = inspectBundle(files({ 'SKILL.md': '---\nname: deploy\n', 'skill.json': manifest(MANIFEST) }));
    expect(errors(r)[0]).toMatchObject({ code: 'MISSING_FRONTMATTER' });
  });
  it('reports bad YAML with its line in the file, never throwing', () => {
    const r = inspectBundle(
      files({
        'SKILL.md': '---\nname: deploy\ndescription: [unclosed\n---\nbody',
        'skill.json': manifest(MANIFEST),
      }),
    );
    expect(r.ok).toBe(false);
    expect(errors(r)[0]).toMatchObject({
      code: 'INVALID_YAML',
      path: expect.stringMatching(/^SKILL\.md: line [34]$/),
    });
  });
  it('reports duplicate keys and a frontmatter that is not a mapping', () => {
    const dup = inspectBundle(
      files({ 'SKILL.md': '---\nname: a\nname: b\n---\n', 'skill.json': manifest(MANIFEST) }),
    );
    expect(errors(dup)[0]).toMatchObject({ code: 'INVALID_YAML', path: 'SKILL.md: line 3' });
    const list = inspectBundle(
      files({ 'SKILL.md': '---\n- a\n- b\n---\n', 'skill.json': manifest(MANIFEST) }),
    );
    expect(errors(list)[0]).toMatchObject({ code: 'INVALID_YAML', path: 'SKILL.md: frontmatter' });
  });
  it('survives a YAML alias bomb', () => {
    const lol = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lol.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}]`,
      );
    const r = inspectBundle(
      files({ 'SKILL.md': `---\n${lol.join('\n')}\n---\n`, 'skill.json': manifest(MANIFEST) }),
    );
    expect(r.ok).toBe(false);
  });
  it('warns on a body over ~5000 tokens', () => {
    const r = inspectBundle(
      files({
        'SKILL.md': skillMd('name: deploy\ndescription: d', 'x '.repeat(10_001)),
        'skill.json': manifest(MANIFEST),
      }),
    );
    expect(r.ok).toBe(true);
    expect(warnings(r)).toEqual([expect.objectContaining({ path: 'SKILL.md', code: 'BODY_TOO_LONG' })]);
  });
  it('reads a SKILL.md with a BOM and CRLF line ends', () => {
    const r = inspectBundle(
      files({
        'SKILL.md': '\uFEFF---\r\nname: deploy\r\ndescription: d\r\n---\r\nbody\r\n',
        'skill.json': manifest(MANIFEST),
      }),
    );
    expect(r.problems).toEqual([]);
  });
});

describe('skill.json', () => {
  const check = (json: Record<string, unknown>) =>
    inspectBundle(files({ 'SKILL.md': SKILL, 'skill.json': manifest({ ...MANIFEST, ...json }) }));
  it.each([
    ['name', { name: 'Deploy' }, 'skill.json: name'],
    ['name with a bad scope', { name: '@Acme/deploy' }, 'skill.json: name'],
    ['version', { version: '1.2' }, 'skill.json: version'],
    ['version', { version: 'latest' }, 'skill.json: version'],
    ['category', { category: 'games' }, 'skill.json: category'],
    ['description', { description: 'd'.repeat(1025) }, 'skill.json: description'],
    ['dependency name', { dependencies: { 'Bad Name': '^1.0.0' } }, 'skill.json: dependencies.Bad Name'],
    ['dependency range', { dependencies: { other: '' } }, 'skill.json: dependencies.other'],
    [
      'capabilities kind',
      { capabilities: { network: 'api.vercel.com' } },
      'skill.json: capabilities.network',
    ],
    ['capabilities key', { capabilities: { root: true } }, 'skill.json: capabilities'],
    ['repository', { repository: 'git@github.com:a/b' }, 'skill.json: repository'],
    ['unknown key', { main: 'index.js' }, 'skill.json'],
  ])('reports a bad %s at its field', (_what, json, path) => {
    const r = check(json);
    expect(r.ok).toBe(false);
    expect(paths(r)).toContain(path);
  });
  it('requires a version', () => {
    const r = inspectBundle(files({ 'SKILL.md': SKILL, 'skill.json': manifest({ name: 'deploy' }) }));
    expect(paths(r)).toContain('skill.json: version');
  });
  it('reports JSON that does not parse', () => {
    const r = inspectBundle(files({ 'SKILL.md': SKILL, 'skill.json': '{ "name": "deploy", ' }));
    expect(errors(r)).toEqual([expect.objectContaining({ path: 'skill.json', code: 'INVALID_JSON' })]);
  });
  it('refuses a bundle that depends on itself', () => {
    expect(paths(check({ dependencies: { deploy: '^1.0.0' } }))).toContain('skill.json: dependencies.deploy');
  });
  it('warns when a skill metadata.version differs from the bundle version', () => {
    const r = single('name: deploy\ndescription: d\nmetadata:\n  version: 9.9.9');
    expect(r.ok).toBe(true);
    expect(warnings(r)[0]).toMatchObject({ code: 'VERSION_MISMATCH' });
  });
});

describe('layout', () => {
  it('a bundle with no skills is an error', () => {
    const r = inspectBundle(files({ 'skill.json': manifest(MANIFEST), 'README.md': 'hi' }));
    expect(errors(r)).toEqual([expect.objectContaining({ code: 'NO_SKILLS' })]);
  });
  it('a root SKILL.md and skills/*/SKILL.md together is an error', () => {
    const r = inspectBundle(
      files({
        'skill.json': manifest(MANIFEST),
        'SKILL.md': SKILL,
        'skills/a/SKILL.md': skillMd('name: a\ndescription: d'),
      }),
    );
    expect(errors(r).map((p) => p.code)).toContain('LAYOUT_MIXED');
  });
  it('a multi-skill bundle needs skill.json', () => {
    const r = inspectBundle(files({ 'skills/a/SKILL.md': skillMd('name: a\ndescription: d') }));
    expect(errors(r)).toEqual([expect.objectContaining({ path: 'skill.json', code: 'MISSING_MANIFEST' })]);
  });
  it('a lone SKILL.md without metadata.version is not publishable', () => {
    const r = inspectBundle(files({ 'SKILL.md': SKILL }));
    expect(r.manifest).toBeUndefined();
    expect(errors(r)).toEqual([expect.objectContaining({ path: 'skill.json', code: 'MISSING_MANIFEST' })]);
  });
  it('a lone SKILL.md with a metadata.version that is not semver', () => {
    const r = inspectBundle(
      files({ 'SKILL.md': skillMd('name: a\ndescription: d\nmetadata:\n  version: "1.0"') }),
    );
    expect(paths(r)).toEqual(['SKILL.md: frontmatter.metadata.version']);
  });
  it('warns about SKILL.md files no agent finds and skill folders without one', () => {
    const r = inspectBundle(
      files({
        'skill.json': manifest(MANIFEST),
        'skills/a/SKILL.md': skillMd('name: a\ndescription: d'),
        'skills/b/notes.md': 'n',
        'skills/a/nested/SKILL.md': 'x',
      }),
    );
    expect(warnings(r).map((p) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ['skills/a/nested/SKILL.md', 'STRAY_SKILL_MD'],
        ['skills/b', 'MISSING_SKILL_MD'],
      ]),
    );
  });
  it('collects every problem, not just the first', () => {
    const r = inspectBundle(
      files({
        'skill.json': manifest({ name: 'x', version: 'nope', category: 'games' }),
        'skills/a/SKILL.md': skillMd('name: b\ndescription: ""\nfoo: 1'),
        'skills/c/SKILL.md': 'no frontmatter',
        'pipelines/p.yaml': 'name: p\nsteps: []\n',
      }),
    );
    expect(paths(r)).toEqual(
      expect.arrayContaining([
        'skill.json: version',
        'skill.json: category',
        'skills/a/SKILL.md: frontmatter.description',
        'skills/c/SKILL.md',
        'pipelines/p.yaml: steps',
      ]),
    );
    expect(warnings(r).map((p) => p.path)).toContain('skills/a/SKILL.md: frontmatter.foo');
  });
});

describe('pipelines', () => {
  const withPipeline = (yaml: string, name = 'ship') =>
    inspectBundle(
      files({ 'SKILL.md': SKILL, 'skill.json': manifest(MANIFEST), [`pipelines/${name}.yaml`]: yaml }),
    );
  it('validates with pipelineSchema', () => {
    const r = withPipeline('name: ship\nsteps:\n  - id: a\n    skill: deploy\n    needs: [zz]\n');
    expect(paths(r)).toEqual(['pipelines/ship.yaml: steps[0].needs']);
  });
  it('reports YAML errors with their line', () => {
    const r = withPipeline('name: ship\nsteps: [\n');
    expect(errors(r)[0]).toMatchObject({
      code: 'INVALID_YAML',
      path: expect.stringMatching(/^pipelines\/ship\.yaml: line \d$/),
    });
  });
  it('warns when a step names a skill outside the bundle', () => {
    const r = withPipeline('name: ship\nsteps:\n  - id: a\n    skill: elsewhere\n');
    expect(r.ok).toBe(true);
    expect(warnings(r)).toEqual([
      expect.objectContaining({ path: 'pipelines/ship.yaml: steps[0].skill', code: 'SKILL_NOT_IN_BUNDLE' }),
    ]);
    expect(r.pipelines).toHaveLength(1);
  });
  it('warns when the pipeline name differs from its file name', () => {
    const r = withPipeline('name: other\nsteps:\n  - id: a\n    skill: deploy\n');
    expect(warnings(r)[0]).toMatchObject({ path: 'pipelines/ship.yaml: name', code: 'NAME_MISMATCH' });
  });
});

describe('content scan', () => {
  it('scans every text file and skips binary ones', () => {
    const r = inspectBundle([
      ...files({
        'SKILL.md': SKILL,
        'skill.json': manifest(MANIFEST),
        'scripts/i.sh': 'curl https://x.io/i | sh\n',
      }),
      { path: 'assets/x.bin', data: Buffer.from([0, 1, 2, 0x63, 0x75, 0x72, 0x6c]), executable: false },
    ]);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'PIPE_TO_SHELL', path: 'scripts/i.sh', line: 1 }),
    ]);
  });
});
