import { readSkillBody } from './load-skills.ts';
import { runSkillScript } from './run-script.ts';
import type { ScriptSandbox } from './sandbox.ts';
import { listSkillFiles, readSkillFile } from './skill-files.ts';
import { stringArg, type ToolSpec } from './tool-spec.ts';
import type { LoadedSkill, Permissions } from './types.ts';

export interface SkillToolsOptions {
  skills: readonly LoadedSkill[];
  permissions: Permissions;
  /** The project folder: scripts run there. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Names already activated in this session; activate_skill adds to it and never repeats a body. */
  activated: Set<string>;
  /** When given, only these skills' scripts may run (and only once activated). */
  scriptSkills?: readonly string[];
  /** How scripts are confined (run-script.ts). */
  sandbox?: ScriptSandbox;
}

/**
 * The skill tools of a session: `activate_skill` (its `name` an enum of the installed skills),
 * `read_skill_file` (confined to the skill's folder) and, only when `permissions.scripts` is
 * `allow`, `run_skill_script`. None when no skill is installed (an empty enum is invalid).
 * @example const tools = skillTools({ skills, permissions: {}, cwd, env: process.env, activated: new Set() })
 */
export function skillTools(opts: SkillToolsOptions): ToolSpec[] {
  if (opts.skills.length === 0) return [];
  const names = opts.skills.map((s) => s.name);
  const find = (args: Record<string, unknown>, key: string): LoadedSkill => {
    const name = stringArg(args, key);
    const skill = opts.skills.find((s) => s.name === name);
    if (!skill) throw new Error(`no skill "${name}" is installed; the skills are: ${names.join(', ')}`);
    return skill;
  };
  const tools: ToolSpec[] = [
    {
      name: 'activate_skill',
      description:
        "Load a skill's full instructions and the list of its files. Call it before a task that matches the skill's description.",
      parameters: {
        type: 'object',
        properties: { name: { type: 'string', enum: names, description: 'The skill to activate' } },
        required: ['name'],
        additionalProperties: false,
      },
      run: async (args) => {
        const skill = find(args, 'name');
        if (opts.activated.has(skill.name)) {
          return {
            ok: true,
            output: `The skill "${skill.name}" is already active: its instructions are earlier in this conversation.`,
            summary: `${skill.name} already active`,
          };
        }
        const [body, files] = await Promise.all([readSkillBody(skill), listSkillFiles(skill.dir)]);
        opts.activated.add(skill.name);
        return {
          ok: true,
          output: activationText(skill.name, body, files),
          summary: `activated ${skill.name} (${files.length} files)`,
          events: [{ type: 'skill_activated', name: skill.name }],
        };
      },
    },
    {
      name: 'read_skill_file',
      description:
        "Read a text file of a skill (a reference, template or script its instructions mention), by its path inside the skill's folder.",
      parameters: {
        type: 'object',
        properties: {
          skill: { type: 'string', enum: names, description: 'The skill whose file to read' },
          path: { type: 'string', description: 'Path inside the skill folder, e.g. references/api.md' },
        },
        required: ['skill', 'path'],
        additionalProperties: false,
      },
      run: async (args) => {
        const skill = find(args, 'skill');
        const path = stringArg(args, 'path');
        const text = await readSkillFile(skill.dir, path);
        return { ok: true, output: text, summary: `read ${skill.name}/${path} (${text.length} characters)` };
      },
    },
  ];
  if (opts.permissions.scripts === 'allow') tools.push(scriptTool(opts, names, find));
  return tools;
}

function scriptTool(
  opts: SkillToolsOptions,
  names: string[],
  find: (args: Record<string, unknown>, key: string) => LoadedSkill,
): ToolSpec {
  return {
    name: 'run_skill_script',
    description:
      "Run a script from a skill's scripts/ folder (no shell) in the project folder, and get its exit code and output.",
    parameters: {
      type: 'object',
      properties: {
        skill: { type: 'string', enum: names, description: 'The skill the script belongs to' },
        script: { type: 'string', description: 'Path under scripts/, e.g. scripts/check.sh' },
        args: { type: 'array', items: { type: 'string' }, description: 'Arguments, one per item' },
      },
      required: ['skill', 'script', 'args'],
      additionalProperties: false,
    },
    run: async (args) => {
      const skill = find(args, 'skill');
      if (opts.scriptSkills && !opts.scriptSkills.includes(skill.name)) {
        throw new Error(
          `scripts of "${skill.name}" may not run here; only those of ${opts.scriptSkills.map((n) => `"${n}"`).join(', ')}`,
        );
      }
      if (!opts.activated.has(skill.name)) {
        throw new Error(`the skill "${skill.name}" is not active; its scripts run only after activate_skill`);
      }
      const script = stringArg(args, 'script');
      const argv = args.args ?? [];
      if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) {
        throw new Error('"args" must be a list of strings');
      }
      const r = await runSkillScript({
        skill,
        script,
        args: argv as string[],
        cwd: opts.cwd,
        env: opts.env,
        permissions: opts.permissions,
        ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      });
      const status = r.timedOut ? 'timed out' : r.exitCode === null ? 'killed' : `exit ${r.exitCode}`;
      return {
        ok: r.exitCode === 0,
        output: `${status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
        summary: `${skill.name}/${script}: ${status}`,
      };
    },
  };
}

/** What the model receives on activation: the body, wrapped, and the files it may read next. */
export function activationText(name: string, body: string, files: readonly string[]): string {
  const listed = files.filter((f) => f !== 'SKILL.md');
  const resources = listed.length
    ? `\n<skill_files>\n${listed.join('\n')}\n</skill_files>\nRead these with read_skill_file only when the instructions call for them.`
    : '';
  return `<skill_content name="${name}">\n${body}\n</skill_content>${resources}`;
}
