import { describe, expect, test } from 'vitest';
import {
  bundleManifestSchema,
  foldName,
  issuesToProblems,
  lockfileSchema,
  parseBundleName,
  pipelineSchema,
  projectManifestSchema,
  skillFrontmatterSchema,
  unknownFrontmatterKeys,
  widenedCapabilities,
} from '../src/index.ts';

function problems(
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  value: unknown,
  file = 'f',
) {
  const r = schema.safeParse(value);
  return r.success ? [] : issuesToProblems(r.error as never, file).map((p) => `${p.path}: ${p.message}`);
}

describe('SKILL.md frontmatter', () => {
  const ok = { name: 'deploy-vercel', description: 'Deploys to Vercel.' };
  test('accepts the specification keys', () => {
    expect(
      problems(skillFrontmatterSchema, {
        ...ok,
        license: 'MIT',
        compatibility: 'needs git',
        metadata: { version: '1.0.0' },
        'allowed-tools': 'Bash(git:*) Read',
      }),
    ).toEqual([]);
  });
  test.each([
    ['Deploy', 'name'],
    ['-deploy', 'name'],
    ['deploy--vercel', 'name'],
    ['deploy-', 'name'],
    ['a'.repeat(65), 'name'],
    ['', 'name'],
  ])('rejects the name %j', (name, field) => {
    expect(problems(skillFrontmatterSchema, { ...ok, name }, 'SKILL.md')[0]).toMatch(`SKILL.md: ${field}:`);
  });
  test('reports every broken rule at once, each with its path', () => {
    const found = problems(
      skillFrontmatterSchema,
      {
        name: 'Bad Name',
        description: '',
        compatibility: 'x'.repeat(501),
        metadata: { a: 1 },
        'allowed-tools': { Read: true },
      },
      'skills/x/SKILL.md',
    );
    expect(found.map((p) => p.split(':').slice(0, 2).join(':'))).toEqual([
      'skills/x/SKILL.md: name',
      'skills/x/SKILL.md: description',
      'skills/x/SKILL.md: compatibility',
      'skills/x/SKILL.md: metadata.a',
      'skills/x/SKILL.md: allowed-tools',
    ]);
  });
  test('description is required and at most 1024 characters', () => {
    expect(problems(skillFrontmatterSchema, { name: 'a' })).toHaveLength(1);
    expect(problems(skillFrontmatterSchema, { name: 'a', description: 'x'.repeat(1025) })[0]).toMatch(/1024/);
  });
  test('unknown keys are warnings that name the key', () => {
    const found = unknownFrontmatterKeys({ ...ok, context: 'fork', 'argument-hint': 'x' }, 'SKILL.md');
    expect(found.map((p) => [p.path, p.severity, p.code])).toEqual([
      ['SKILL.md: frontmatter.context', 'warning', 'UNKNOWN_KEY'],
      ['SKILL.md: frontmatter.argument-hint', 'warning', 'UNKNOWN_KEY'],
    ]);
  });
});

describe('skill.json', () => {
  const ok = { name: '@acme/deploy-vercel', version: '1.2.0' };
  test('accepts a full manifest', () => {
    expect(
      problems(bundleManifestSchema, {
        ...ok,
        description: 'd',
        license: 'MIT',
        category: 'deploy',
        keywords: ['vercel'],
        repository: 'https://example.com/r',
        homepage: 'https://example.com',
        dependencies: { 'vercel-basics': '^1.0.0', '@acme/x': 'latest' },
        capabilities: { network: ['api.vercel.com'], exec: ['vercel'], env: ['VERCEL_TOKEN'], write: ['.'] },
      }),
    ).toEqual([]);
  });
  test.each([
    [{ version: '1.2' }, 'version'],
    [{ name: '@Acme/x' }, 'name'],
    [{ name: '@acme/' }, 'name'],
    [{ category: 'games' }, 'category'],
    [{ dependencies: { 'Bad Name': '^1' } }, 'dependencies'],
    [{ capabilities: { network: 'all' } }, 'capabilities.network'],
    [{ capabilities: { shell: ['x'] } }, 'capabilities'],
    [{ homepage: 'javascript:alert(1)' }, 'homepage'],
    [{ extra: true }, ''],
  ])('rejects %j at %s', (patch, field) => {
    const found = problems(bundleManifestSchema, { ...ok, ...patch }, 'skill.json');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(field ? `skill.json: ${field}` : 'skill.json');
  });
});

test('a bad record key is named with its rule', () => {
  const found = problems(
    bundleManifestSchema,
    { name: 'x', version: '1.0.0', dependencies: { Bad: '^1' } },
    'skill.json',
  );
  expect(found).toEqual([
    'skill.json: dependencies.Bad: the key "Bad" must be "name" or "@scope/name", each lowercase letters and digits separated by hyphens',
  ]);
});

describe('names', () => {
  test('parses scoped and plain names', () => {
    expect(parseBundleName('@acme/deploy')).toEqual({ scope: 'acme', name: 'deploy' });
    expect(parseBundleName('deploy')).toEqual({ scope: undefined, name: 'deploy' });
    expect(parseBundleName('../deploy')).toBeUndefined();
  });
  test('folds case, separators and compatibility forms', () => {
    expect(foldName('Deploy_Vercel')).toBe(foldName('deploy-vercel'));
    expect(foldName('deploy.vercel')).toBe('deployvercel');
    expect(foldName('ｄｅｐｌｏｙ')).toBe('deploy');
  });
});

describe('skills.json and skills-lock.json', () => {
  test('skills.json keeps unknown keys and defaults dependencies', () => {
    const r = projectManifestSchema.parse({ agents: ['claude'], custom: 1 });
    expect(r).toEqual({ agents: ['claude'], custom: 1, dependencies: {} });
  });
  test('the lockfile must say its version', () => {
    expect(problems(lockfileSchema, { lockfileVersion: 2 }, 'skills-lock.json')[0]).toMatch(
      'skills-lock.json: lockfileVersion: must be 1',
    );
  });
  test('a locked bundle needs a sha512 integrity', () => {
    const bundle = { version: '1.0.0', resolved: 'http://r/x.tgz', integrity: 'sha1-abc', skills: ['x'] };
    expect(problems(lockfileSchema, { lockfileVersion: 1, bundles: { x: bundle } })[0]).toMatch(
      'bundles.x.integrity',
    );
  });
  test('resolved is a registry URL, a file: path or a git URL pinned to a full commit', () => {
    const integrity = `sha512-${'A'.repeat(86)}==`;
    const lock = (resolved: string) => ({
      lockfileVersion: 1,
      bundles: { x: { version: '1.0.0', resolved, integrity, skills: ['x'] } },
    });
    const sha = 'a'.repeat(40);
    for (const ok of [
      'https://r.example/x.tgz',
      'http://127.0.0.1:4873/x.tgz',
      'file:my-skill',
      'file:../common/x-1.0.0.tgz',
      `git+https://host.example/repo.git#${sha}`,
      `git+file:///srv/repo#${sha}`,
    ]) {
      expect(problems(lockfileSchema, lock(ok))).toEqual([]);
    }
    for (const bad of [
      'ftp://x',
      'file:',
      'file:a\nb',
      'git+https://host.example/repo.git#v1',
      `git+https://host.example/repo.git#${sha.slice(1)}`,
      `git+ssh://host.example/repo.git#${sha}`,
      `git+https://host.example/repo.git#${sha}x`,
    ]) {
      expect(problems(lockfileSchema, lock(bad))[0]).toMatch('bundles.x.resolved');
    }
  });
});

describe('pipelines', () => {
  const base = {
    name: 'ship',
    inputs: { design: { description: 'path', required: true } },
    steps: [
      { id: 'ui', skill: 'design-to-ui', prompt: 'Build ${{ inputs.design }}' },
      { id: 'docs', skill: 'docs-site', needs: ['ui'], prompt: 'Summary: ${{ steps.ui.summary }}' },
    ],
  };
  test('accepts the docs/formats.md example shape', () => {
    expect(
      problems(pipelineSchema, {
        ...base,
        permissions: { scripts: 'deny', network: false, write: ['src/'] },
      }),
    ).toEqual([]);
  });
  test('finds unknown needs, undeclared step reads, unknown inputs, duplicates and cycles', () => {
    const found = problems(pipelineSchema, {
      name: 'p',
      steps: [
        { id: 'a', skill: 's', needs: ['b'], prompt: '${{ inputs.nope }}' },
        { id: 'b', skill: 's', needs: ['a'] },
        { id: 'c', skill: 's', needs: ['zz'], prompt: '${{ steps.a.summary }} ${{ env.HOME }}' },
        { id: 'c', skill: 's' },
      ],
    });
    expect(found).toEqual([
      'f: steps[3].id: duplicate step id "c"',
      'f: steps[0].prompt: unknown input "nope"',
      'f: steps[2].needs: unknown step "zz"',
      'f: steps[2].prompt: reads step "a", which is not in its needs',
      'f: steps[2].prompt: unknown expression "${{ env.HOME }}"',
      'f: steps: needs form a cycle: a → b → a',
    ]);
  });
});

test('widenedCapabilities lists only what is new', () => {
  expect(widenedCapabilities({ network: ['a'], exec: ['x'] }, { network: ['a', 'b'], env: ['T'] })).toEqual({
    network: ['b'],
    env: ['T'],
  });
  expect(widenedCapabilities({ network: ['a'] }, {})).toEqual({});
});
