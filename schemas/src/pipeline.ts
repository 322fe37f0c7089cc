import { z } from 'zod';
import { skillNameSchema } from './names.ts';

const idSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'must start with a letter and hold only a-z, 0-9, "_" and "-"');

export const permissionsSchema = z.lazy(() =>
  z.strictObject({
    scripts: z.enum(['allow', 'deny']).optional(),
    network: z.boolean().optional(),
    write: z.array(z.string().min(1)).optional(),
  }),
);
export type Permissions = z.infer<typeof permissionsSchema>;

export const pipelineInputSchema = z.lazy(() =>
  z.strictObject({
    description: z.string().optional(),
    required: z.boolean().optional(),
    default: z.string().optional(),
  }),
);

export const pipelineStepSchema = z.lazy(() =>
  z.strictObject({
    id: idSchema,
    skill: skillNameSchema,
    prompt: z.string().optional(),
    needs: z.array(idSchema).optional(),
    permissions: permissionsSchema.optional(),
    /** Named outputs the step must report; later steps read them as `${{ steps.ID.outputs.NAME }}`. */
    outputs: z.record(idSchema, z.strictObject({ description: z.string().optional() })).optional(),
    /**
     * Stop the run after this step succeeds, until a person approves its result or rejects it with
     * a comment (the step then runs again with the comment).
     */
    review: z.boolean().optional(),
    /** Seconds the step may take, model requests and tools together (default 900). */
    timeout: z.number().int().min(1).max(86_400).optional(),
  }),
);
export type PipelineStep = z.infer<typeof pipelineStepSchema>;

const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** A pipeline file: `.agents/pipelines/NAME.yaml` in a project or `pipelines/NAME.yaml` in a bundle. */
export const pipelineSchema = z.lazy(() =>
  z
    .strictObject({
      $schema: z.string().optional(),
      name: idSchema,
      description: z.string().optional(),
      inputs: z.record(idSchema, pipelineInputSchema).optional(),
      permissions: permissionsSchema.optional(),
      steps: z.array(pipelineStepSchema).min(1, 'must have at least one step'),
    })
    .superRefine((p, ctx) => {
      const index = new Map<string, number>();
      p.steps.forEach((s, i) => {
        if (index.has(s.id))
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
        else index.set(s.id, i);
      });
      p.steps.forEach((s, i) => {
        const needs = new Set(s.needs ?? []);
        for (const n of needs) {
          if (!index.has(n))
            ctx.addIssue({ code: 'custom', path: ['steps', i, 'needs'], message: `unknown step "${n}"` });
        }
        for (const m of (s.prompt ?? '').matchAll(EXPRESSION)) {
          const expr = m[1] ?? '';
          const step = /^steps\.([a-z][a-z0-9_-]*)\.(summary|status|outputs\.[a-z][a-z0-9_-]*)$/.exec(expr);
          const input = /^inputs\.([a-z][a-z0-9_-]*)$/.exec(expr);
          if (input) {
            if (!p.inputs?.[input[1]!]) {
              ctx.addIssue({
                code: 'custom',
                path: ['steps', i, 'prompt'],
                message: `unknown input "${input[1]}"`,
              });
            }
          } else if (step) {
            if (!needs.has(step[1]!)) {
              ctx.addIssue({
                code: 'custom',
                path: ['steps', i, 'prompt'],
                message: `reads step "${step[1]}", which is not in its needs`,
              });
            }
          } else {
            ctx.addIssue({
              code: 'custom',
              path: ['steps', i, 'prompt'],
              message: `unknown expression "\${{ ${expr} }}"`,
            });
          }
        }
      });
      const cycle = findCycle(p.steps);
      if (cycle)
        ctx.addIssue({
          code: 'custom',
          path: ['steps'],
          message: `needs form a cycle: ${cycle.join(' → ')}`,
        });
    }),
);

export type Pipeline = z.infer<typeof pipelineSchema>;

function findCycle(steps: readonly PipelineStep[]): string[] | undefined {
  const needs = new Map(steps.map((s) => [s.id, s.needs ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const n of needs.get(id) ?? []) {
      const found = needs.has(n) ? visit(n) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of steps) {
    const found = visit(s.id);
    if (found) return found;
  }
  return undefined;
}
