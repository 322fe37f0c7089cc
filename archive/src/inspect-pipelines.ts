import { issuesToProblems, type Pipeline, type Problem, pipelineSchema } from '@skills/schemas';
import { parseYaml } from './frontmatter.ts';
import { error, warning } from './inspect-skill.ts';
import { decodeText } from './text.ts';
import type { BundleFile } from './types.ts';

const PIPELINE_FILE = /^pipelines\/([^/]+)\.ya?ml$/;

/**
 * Checks every `pipelines/*.yaml` (and `.yml`): YAML, `pipelineSchema`, the name matching the
 * file name, and each step's skill being in the bundle (a warning otherwise: it may come from a
 * dependency).
 */
export function inspectPipelines(
  files: readonly BundleFile[],
  skillNames: ReadonlySet<string>,
): { pipelines: { path: string; pipeline: Pipeline }[]; problems: Problem[] } {
  const pipelines: { path: string; pipeline: Pipeline }[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    if (!file.path.startsWith('pipelines/')) continue;
    const m = PIPELINE_FILE.exec(file.path);
    if (!m) {
      if (!file.path.slice('pipelines/'.length).includes('/')) {
        problems.push(warning(file.path, 'NOT_A_PIPELINE', 'only .yaml files in pipelines/ are pipelines'));
      }
      continue;
    }
    const text = decodeText(file.data);
    if (text === undefined) {
      problems.push(error(file.path, 'INVALID_ENCODING', 'must be UTF-8 text'));
      continue;
    }
    const yaml = parseYaml(file.path, text);
    if (yaml.problems.length > 0) {
      problems.push(...yaml.problems);
      continue;
    }
    const parsed = pipelineSchema.safeParse(yaml.value);
    if (!parsed.success) {
      problems.push(...issuesToProblems(parsed.error, file.path));
      continue;
    }
    const pipeline = parsed.data;
    if (pipeline.name !== m[1]) {
      problems.push(
        warning(
          `${file.path}: name`,
          'NAME_MISMATCH',
          `"${pipeline.name}" differs from the file name "${m[1]}"`,
        ),
      );
    }
    pipeline.steps.forEach((step, i) => {
      if (!skillNames.has(step.skill)) {
        problems.push(
          warning(
            `${file.path}: steps[${i}].skill`,
            'SKILL_NOT_IN_BUNDLE',
            `"${step.skill}" is not a skill of this bundle; it must come from one of its dependencies`,
          ),
        );
      }
    });
    pipelines.push({ path: file.path, pipeline });
  }
  return { pipelines, problems };
}
