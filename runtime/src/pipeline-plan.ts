import type { Pipeline, PipelineStep } from '@skills/schemas';
import { RuntimeError } from './errors.ts';

/** What one step left for later steps to read. */
export interface StepResult {
  /** `review`: succeeded and waits for a person; `pending`: not run (the run stopped for a review first). */
  status: 'success' | 'failed' | 'skipped' | 'review' | 'pending';
  summary: string;
  outputs: Record<string, string>;
}

/**
 * The steps in an order that honours `needs` (Kahn's algorithm, file order among ready steps).
 * The schema has already refused cycles and unknown needs.
 */
export function orderSteps(steps: readonly PipelineStep[]): PipelineStep[] {
  const done = new Set<string>();
  const left = [...steps];
  const order: PipelineStep[] = [];
  while (left.length) {
    const i = left.findIndex((s) => (s.needs ?? []).every((n) => done.has(n)));
    if (i < 0) throw new Error(`needs form a cycle among ${left.map((s) => s.id).join(', ')}`);
    const [step] = left.splice(i, 1);
    order.push(step!);
    done.add(step!.id);
  }
  return order;
}

/**
 * The input values: given ones, then defaults. Throws RuntimeError INPUT_MISSING naming every
 * required input without a value, INPUT_UNKNOWN for a value the pipeline does not declare.
 */
export function resolveInputs(
  pipeline: Pipeline,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const declared = pipeline.inputs ?? {};
  const unknown = Object.keys(given).filter((k) => !(k in declared));
  if (unknown.length) {
    throw new RuntimeError('INPUT_UNKNOWN', `pipeline "${pipeline.name}" has no input ${quoted(unknown)}`, {
      hint: Object.keys(declared).length
        ? `its inputs: ${Object.keys(declared).join(', ')}`
        : 'it takes no inputs',
    });
  }
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec.default;
    if (value !== undefined) values[name] = value;
    else if (spec.required) missing.push(name);
  }
  if (missing.length) {
    throw new RuntimeError('INPUT_MISSING', `pipeline "${pipeline.name}" needs input ${quoted(missing)}`, {
      hint: missing
        .map((m) => `--input ${m}=…${declared[m]?.description ? ` (${declared[m].description})` : ''}`)
        .join(' '),
    });
  }
  return values;
}

const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * Replaces `${{ inputs.NAME }}` and `${{ steps.ID.summary|status|outputs.NAME }}` in a prompt.
 * An input without a value, or an output a step did not report, becomes the empty string.
 * @example substitute('Build ${{ inputs.design }}', { design: 'a.fig' }, {}) // 'Build a.fig'
 */
export function substitute(
  text: string,
  inputs: Readonly<Record<string, string>>,
  steps: Readonly<Record<string, StepResult>>,
): string {
  return text.replace(EXPRESSION, (whole, expr: string) => {
    const input = /^inputs\.([a-z][a-z0-9_-]*)$/.exec(expr);
    if (input) return inputs[input[1]!] ?? '';
    const step = /^steps\.([a-z][a-z0-9_-]*)\.(summary|status|outputs\.([a-z][a-z0-9_-]*))$/.exec(expr);
    if (!step) return whole;
    const result = steps[step[1]!];
    if (!result) return '';
    if (step[2] === 'summary') return result.summary;
    if (step[2] === 'status') return result.status;
    return result.outputs[step[3]!] ?? '';
  });
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
