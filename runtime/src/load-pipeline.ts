import { readFile } from 'node:fs/promises';
import { parseYaml } from '@skills/archive';
import { issuesToProblems, type Pipeline, pipelineSchema } from '@skills/schemas';
import { RuntimeError } from './errors.ts';

/**
 * Reads and validates a pipeline file (YAML, `pipelineSchema`). Throws RuntimeError
 * PIPELINE_NOT_FOUND when it cannot be read, PIPELINE_INVALID with every problem and its path
 * (`ship.yaml: steps[1].needs`) when it is not a valid pipeline.
 * @example const pipeline = await loadPipelineFile('.agents/pipelines/ship.yaml')
 */
export async function loadPipelineFile(file: string): Promise<Pipeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new RuntimeError(
      'PIPELINE_NOT_FOUND',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  const yaml = parseYaml(file, text);
  if (yaml.problems.length) throw invalid(file, yaml.problems);
  return validatePipeline(yaml.value, file);
}

/**
 * Validates a pipeline given as data; `file` names it in problem paths. Throws RuntimeError
 * PIPELINE_INVALID listing every problem.
 * @example validatePipeline({ name: 'x', steps: [{ id: 'a', skill: 'pdf' }] })
 */
export function validatePipeline(value: unknown, file = 'pipeline'): Pipeline {
  const parsed = pipelineSchema.safeParse(value);
  if (!parsed.success) throw invalid(file, issuesToProblems(parsed.error, file));
  return parsed.data;
}

function invalid(file: string, problems: RuntimeError['problems']): RuntimeError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new RuntimeError('PIPELINE_INVALID', `${first ? `${first.path}: ${first.message}` : file}${more}`, {
    problems,
    hint: problems.map((p) => `${p.path}: ${p.message}`).join('; '),
  });
}
