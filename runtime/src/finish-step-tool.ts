import type { PipelineStep } from '@skills/schemas';
import { stringArg, type ToolSpec } from './tool-spec.ts';

/** What a step reported through finish_step. */
export interface StepReport {
  summary: string;
  status: 'success' | 'failed';
  outputs: Record<string, string>;
}

/**
 * The `finish_step` tool of a pipeline step: the model reports a summary, a status and the
 * step's declared outputs (each a string property, all required), and the run ends there.
 * `onReport` receives the last report.
 * @example finishStepTool(step, (r) => { report = r })
 */
export function finishStepTool(step: PipelineStep, onReport: (report: StepReport) => void): ToolSpec {
  const declared = Object.entries(step.outputs ?? {});
  return {
    name: 'finish_step',
    description:
      'Finish this pipeline step: report what you did in a short summary, whether it succeeded, and its outputs. Later steps see only these.',
    parameters: {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'What was done, in a few sentences' },
        status: { type: 'string', enum: ['success', 'failed'] },
        outputs: {
          type: 'object',
          properties: Object.fromEntries(
            declared.map(([name, o]) => [
              name,
              { type: 'string', ...(o.description ? { description: o.description } : {}) },
            ]),
          ),
          required: declared.map(([name]) => name),
          additionalProperties: false,
        },
      },
      required: ['summary', 'status', 'outputs'],
      additionalProperties: false,
    },
    run: async (args) => {
      const summary = stringArg(args, 'summary');
      const status = args.status === 'failed' ? 'failed' : 'success';
      const given = typeof args.outputs === 'object' && args.outputs !== null ? args.outputs : {};
      const outputs: Record<string, string> = {};
      for (const [name, value] of Object.entries(given)) {
        if (step.outputs?.[name] && value !== undefined && value !== null) {
          outputs[name] = typeof value === 'string' ? value : JSON.stringify(value);
        }
      }
      onReport({ summary, status, outputs });
      return { ok: true, output: 'Recorded. The step is finished.', summary: `step ${status}`, stop: true };
    },
  };
}
