import { mkdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ALIASES, AGENTS, globalSkillsDir } from '../src/lib/install/agent-table.ts';
import {
  AGENTS_SKILLS_DIR,
  expandAllAgents,
  parseAgentList,
  syncAgentLinks,
} from '../src/lib/install/agents.ts';
import { writeBundle } from './fixtures/bundles.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * Each row of the agent table, as each agent documents its folders: [name, project folder,
 * global folder under a home of `/h` with no variables set]. A row changed by mistake fails here.
 */
const EXPECTED: [string, string, string][] = [
  ['amp', '.agents/skills', '/h/.config/agents/skills'],
  ['augment', '.augment/skills', '/h/.augment/skills'],
  ['claude', '.claude/skills', '/h/.claude/skills'],
  ['cline', '.agents/skills', '/h/.agents/skills'],
  ['codebuddy', '.codebuddy/skills', '/h/.codebuddy/skills'],
  ['codex', '.codex/skills', '/h/.codex/skills'],
  ['continue', '.continue/skills', '/h/.continue/skills'],
  ['copilot', '.github/skills', '/h/.copilot/skills'],
  ['crush', '.crush/skills', '/h/.config/crush/skills'],
  ['cursor', '.cursor/skills', '/h/.cursor/skills'],
  ['droid', '.factory/skills', '/h/.factory/skills'],
  ['gemini', '.gemini/skills', '/h/.gemini/skills'],
  ['goose', '.goose/skills', '/h/.config/goose/skills'],
  ['junie', '.junie/skills', '/h/.junie/skills'],
  ['kilo', '.agents/skills', '/h/.kilo/skills'],
  ['kiro', '.kiro/skills', '/h/.kiro/skills'],
  ['openhands', '.openhands/skills', '/h/.openhands/skills'],
  ['opencode', '.opencode/skills', '/h/.config/opencode/skills'],
  ['pi', '.pi/skills', '/h/.pi/agent/skills'],
  ['qoder', '.qoder/skills', '/h/.qoder/skills'],
  ['qwen', '.qwen/skills', '/h/.qwen/skills'],
  ['roo', '.roo/skills', '/h/.roo/skills'],
  ['trae', '.trae/skills', '/h/.trae/skills'],
  ['vibe', '.vibe/skills', '/h/.vibe/skills'],
  ['warp', '.agents/skills', '/h/.agents/skills'],
  ['windsurf', '.windsurf/skills', '/h/.codeium/windsurf/skills'],
  ['zed', '.agents/skills', '/h/.agents/skills'],
];

describe('the agent table', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-agent-table-'));
  });
  afterAll(async () => cleanup());

  it('has exactly the rows tested here', () => {
    expect(Object.keys(AGENTS).sort()).toEqual(EXPECTED.map((r) => r[0]).sort());
    expect(EXPECTED.length).toBeGreaterThanOrEqual(20);
  });

  it.each(EXPECTED)('%s: project %s, global %s, and a working link', async (name, project, global) => {
    const info = AGENTS[name]!;
    expect(info.skillsDir).toBe(project);
    expect(globalSkillsDir(info, { home: '/h', env: {} })).toBe(global);
    expect(parseAgentList([name.toUpperCase()])).toEqual([name]);
    // A project with one installed skill: the agent sees it through its own folder.
    const root = join(dir, name);
    await writeTree(root, { '.agents/skills/hello/SKILL.md': `hello for ${name}\n` });
    const result = await syncAgentLinks({
      projectDir: root,
      agents: [name],
      skills: ['hello'],
      previous: { agents: [], skills: [] },
    });
    expect(await readFile(join(root, project, 'hello/SKILL.md'), 'utf8')).toBe(`hello for ${name}\n`);
    if (project === AGENTS_SKILLS_DIR) {
      expect(result.linked).toEqual([]);
      expect(info.readsAgentsSkills).toBe(true);
    } else {
      expect(result.linked.map((l) => l.mode)).toEqual(['symlink']);
      const depth = project.split('/').length;
      expect(await readlink(join(root, project, 'hello'))).toBe(`${'../'.repeat(depth)}.agents/skills/hello`);
    }
  });

  it("takes an agent's own home variable, and XDG_CONFIG_HOME, over the defaults", () => {
    const env = { CODEX_HOME: '/c', CLAUDE_CONFIG_DIR: '/cl ', XDG_CONFIG_HOME: '/x', VIBE_HOME: '' };
    expect(globalSkillsDir(AGENTS.codex!, { home: '/h', env })).toBe('/c/skills');
    expect(globalSkillsDir(AGENTS.claude!, { home: '/h', env })).toBe('/cl/skills');
    expect(globalSkillsDir(AGENTS.opencode!, { home: '/h', env })).toBe('/x/opencode/skills');
    expect(globalSkillsDir(AGENTS.vibe!, { home: '/h', env })).toBe('/h/.vibe/skills');
  });

  it('takes the names other installers use', () => {
    for (const [alias, name] of Object.entries(AGENT_ALIASES)) {
      expect(AGENTS[name], alias).toBeDefined();
      expect(parseAgentList([alias])).toEqual([name]);
    }
    expect(() => parseAgentList(['vim'])).toThrow(/unknown agent "vim"/);
  });

  it('expands all to the agents whose folder exists, and only those', async () => {
    const root = join(dir, 'expand');
    await mkdir(join(root, '.claude'), { recursive: true });
    await mkdir(join(root, '.github/workflows'), { recursive: true });
    await writeTree(root, { '.roo': 'a file, not a folder\n' });
    expect((await expandAllAgents(['all'], root)).sort()).toEqual(['claude', 'copilot']);
    expect((await expandAllAgents(['cursor,ALL'], root)).sort()).toEqual(['claude', 'copilot', 'cursor']);
    expect(await expandAllAgents(['cursor'], root)).toEqual(['cursor']);
  });
});

describe('install --agent all', () => {
  let reg: TestRegistry;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    reg = await startTestRegistry();
    ({ dir: root, cleanup } = await makeTempDir('skills-agent-all-'));
  }, 120_000);
  afterAll(async () => {
    await reg?.close();
    await cleanup?.();
  });

  it('links every agent whose folder exists and records them in skills.json', async () => {
    const { token } = await reg.createUser('alice');
    const env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
    const published = await runMain(['publish', await writeBundle(join(root, 'src'), 'greet', '1.0.0')], {
      cwd: root,
      env,
    });
    expect(published.code, published.stderr).toBe(0);
    const project = join(root, 'app');
    await writeTree(project, { '.kiro/steering.md': 'x\n', '.junie/guidelines.md': 'y\n' });
    const r = await runMain(['install', 'greet', '--agent', 'all', '--json'], { cwd: project, env });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(project, 'skills.json'), 'utf8'));
    expect(manifest.agents).toEqual(['junie', 'kiro']);
    const skill = (await readFile(join(project, '.agents/skills/greet/SKILL.md'), 'utf8')).slice(0, 20);
    expect((await readFile(join(project, '.kiro/skills/greet/SKILL.md'), 'utf8')).slice(0, 20)).toBe(skill);
    expect(await readlink(join(project, '.junie/skills/greet'))).toBe('../../.agents/skills/greet');
  });
});
