import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BundleFile, packFiles } from '@skills/archive';
import { CATEGORIES, type Category } from '@skills/schemas';

/**
 * Deterministic, realistic skill bundles: a SKILL.md with frontmatter and a few KB of
 * instructions, a script, a reference page and an asset, like the bundles people publish.
 */

export const ACTIONS = [
  'deploy',
  'review',
  'test',
  'design',
  'audit',
  'migrate',
  'document',
  'lint',
  'profile',
  'scaffold',
  'convert',
  'analyze',
  'monitor',
  'release',
  'refactor',
  'debug',
  'translate',
  'summarize',
  'visualize',
  'secure',
] as const;
export const TOPICS = [
  'vercel',
  'netlify',
  'pdf',
  'figma',
  'react',
  'postgres',
  'playwright',
  'docker',
  'kubernetes',
  'terraform',
  'stripe',
  'slack',
  'notion',
  'jira',
  'github',
  'markdown',
  'csv',
  'excel',
  'openapi',
  'graphql',
  'tailwind',
  'storybook',
  'lighthouse',
  'sentry',
  'lambda',
  'redis',
  'kafka',
  'airflow',
  'dbt',
  'pandas',
] as const;
const OBJECTS = [
  'preview deployments',
  'pull requests',
  'end-to-end suites',
  'component libraries',
  'access policies',
  'schema changes',
  'API references',
  'style rules',
  'slow queries',
  'project skeletons',
  'spreadsheets',
  'dashboards',
  'release notes',
  'error reports',
  'data pipelines',
  'design tokens',
  'forms',
  'changelogs',
];
const BENEFITS = [
  'so every change ships with a checked plan',
  'with a short report the reviewer can trust',
  'without leaving the editor',
  'and flags anything that needs a human decision',
  'following the team conventions in references/guide.md',
  'with reproducible commands and clear rollback steps',
];
/** Third name words for bundles past the first 600 (`deploy-vercel-kit`, `deploy-vercel-kit2`, …). */
const QUALIFIERS = [
  'kit',
  'pro',
  'lite',
  'ci',
  'flow',
  'helper',
  'plus',
  'next',
  'tools',
  'guard',
  'bot',
  'studio',
];
const CATEGORY_OF: Record<string, Category> = {
  deploy: 'deploy',
  release: 'deploy',
  monitor: 'deploy',
  design: 'design',
  visualize: 'design',
  test: 'testing',
  lint: 'testing',
  debug: 'testing',
  review: 'productivity',
  summarize: 'productivity',
  translate: 'productivity',
  document: 'docs',
  audit: 'security',
  secure: 'security',
  analyze: 'data',
  convert: 'data',
  migrate: 'data',
  profile: 'frontend',
  scaffold: 'frontend',
  refactor: 'frontend',
};

export interface GeneratedBundle {
  name: string;
  version: string;
  description: string;
  category: Category;
  keywords: string[];
  /** Other bundles of the same set, by name → range. */
  dependencies: Record<string, string>;
  /** The skill's files (no manifest): SKILL.md at the root, scripts/, references/, assets/. */
  files: BundleFile[];
}

/** A small seeded PRNG (mulberry32): the same seed gives the same bundles on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Name, description, category and keywords of bundle `i`; names are unique across all `i`. */
export function describeBundle(
  i: number,
  rand: () => number,
): Omit<GeneratedBundle, 'version' | 'dependencies' | 'files'> {
  const action = ACTIONS[i % ACTIONS.length]!;
  const topic = TOPICS[Math.floor(i / ACTIONS.length) % TOPICS.length]!;
  const round = Math.floor(i / (ACTIONS.length * TOPICS.length));
  const qualifier =
    round === 0
      ? ''
      : `-${QUALIFIERS[(round - 1) % QUALIFIERS.length]}${round > QUALIFIERS.length ? Math.ceil(round / QUALIFIERS.length) : ''}`;
  const name = `${action}-${topic}${qualifier}`;
  const also = pick(rand, TOPICS);
  const description = `${capitalize(action)} ${topic} ${pick(rand, OBJECTS)} ${pick(rand, BENEFITS)}. Use when the user asks to ${action} anything built on ${topic} or ${also}.`;
  return {
    name,
    description,
    category: CATEGORY_OF[action] ?? pick(rand, CATEGORIES),
    keywords: [action, topic, pick(rand, OBJECTS).split(' ')[0]!],
  };
}

/**
 * `count` bundles; when `dependEvery` is set, every bundle whose index is a multiple of it
 * (from 1 on) depends on the one before it and the first of the set, so installs resolve a small graph.
 */
export function generateBundles(
  count: number,
  opts: { seed?: number; dependEvery?: number } = {},
): GeneratedBundle[] {
  const rand = prng(opts.seed ?? 42);
  const out: GeneratedBundle[] = [];
  for (let i = 0; i < count; i++) {
    const meta = describeBundle(i, rand);
    const dependencies: Record<string, string> = {};
    if (opts.dependEvery && i > 0 && i % opts.dependEvery === 0) {
      dependencies[out[i - 1]!.name] = '^1.0.0';
      dependencies[out[0]!.name] = '^1.0.0';
    }
    out.push({
      ...meta,
      version: '1.0.0',
      dependencies,
      files: skillFiles(meta.name, meta.description, rand),
    });
  }
  return out;
}

function skillFiles(name: string, description: string, rand: () => number): BundleFile[] {
  const [action = 'run', topic = 'project'] = name.split('-');
  const steps = Array.from(
    { length: 8 + Math.floor(rand() * 8) },
    (_, k) =>
      `${k + 1}. ${capitalize(pick(rand, ACTIONS))} the ${pick(rand, OBJECTS)} that touch ${topic}; note what changed and why.`,
  ).join('\n');
  const skillMd = `---
name: ${name}
description: ${description}
license: MIT
metadata:
  author: bench
allowed-tools: Read Grep Bash
---
# ${capitalize(action)} ${topic}

This skill helps the agent ${action} ${topic} work in a repository. Read
[the guide](references/guide.md) before changing anything, and run \`scripts/check.sh\` at the end.

## When to use it
- The user asks to ${action} something that uses ${topic}.
- A review found ${pick(rand, OBJECTS)} that need attention.

## Steps
${steps}

## Output
Finish with a summary: what you changed, what you checked, and anything left for a human.

\`\`\`sh
./scripts/check.sh --${action} ${topic}
\`\`\`
`;
  const guide = `# ${capitalize(topic)} guide\n\n${Array.from(
    { length: 12 },
    () => `- Prefer small, reviewable changes to ${pick(rand, OBJECTS)}; ${pick(rand, BENEFITS)}.`,
  ).join('\n')}\n`;
  const script = `#!/bin/sh\nset -eu\necho "checking ${name}: $*"\ntest -d . && echo ok\n`;
  const asset = `${JSON.stringify({ skill: name, checklist: ['plan', 'change', 'verify', 'summarize'] }, null, 2)}\n`;
  return [
    { path: 'SKILL.md', data: Buffer.from(skillMd), executable: false },
    { path: 'references/guide.md', data: Buffer.from(guide), executable: false },
    { path: 'scripts/check.sh', data: Buffer.from(script), executable: true },
    { path: 'assets/checklist.json', data: Buffer.from(asset), executable: false },
  ];
}

/** The canonical bundle tarball (skill.json + files) our registry takes at `PUT /v1/bundles/NAME`. */
export function skillTarball(b: GeneratedBundle, version = b.version): Buffer {
  const manifest = {
    name: b.name,
    version,
    description: b.description,
    license: 'MIT',
    category: b.category,
    keywords: b.keywords,
    ...(Object.keys(b.dependencies).length ? { dependencies: b.dependencies } : {}),
  };
  return packFiles([
    { path: 'skill.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), executable: false },
    ...b.files,
  ]);
}

/** The same files as an npm package (package.json instead of skill.json); npm strips the root folder. */
export function npmPackageJson(b: GeneratedBundle, version = b.version) {
  return {
    name: b.name,
    version,
    description: b.description,
    license: 'MIT',
    keywords: b.keywords,
    dependencies: b.dependencies,
  };
}

export function npmTarball(b: GeneratedBundle, version = b.version): Buffer {
  const pkg = npmPackageJson(b, version);
  return packFiles([
    { path: 'package.json', data: Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`), executable: false },
    ...b.files,
  ]);
}

/** Writes the bundles as plain skill folders `dir/NAME/…` (what the `skills` CLI installs from a path). */
export async function writeSkillFolders(dir: string, bundles: readonly GeneratedBundle[]): Promise<void> {
  for (const b of bundles) {
    for (const f of b.files) {
      const path = join(dir, b.name, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.data, { mode: f.executable ? 0o755 : 0o644 });
    }
  }
}
