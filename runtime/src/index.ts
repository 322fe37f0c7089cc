/**
 * `@skills/runtime`: loads installed skills into agent sessions over any OpenAI-compatible
 * endpoint (Chat Completions or Responses), and runs pipelines of skills. Imports no registry
 * code; the caller hands it an `openai` client.
 */
export { buildCatalog, type Catalog, DEFAULT_CATALOG_BUDGET } from './catalog.ts';
export { RuntimeError, type RuntimeErrorCode } from './errors.ts';
export { finishStepTool, type StepReport } from './finish-step-tool.ts';
export { type InstalledGrant, readInstalledGrants } from './installed-capabilities.ts';
export { loadPipelineFile, validatePipeline } from './load-pipeline.ts';
export {
  findSkills,
  type LoadSkillsOptions,
  loadSkills,
  readSkillBody,
  type SkippedSkill,
} from './load-skills.ts';
export { orderSteps, resolveInputs, substitute } from './pipeline-plan.ts';
export { makeRedactor, publicUrl, REDACTED, secretValues } from './redact.ts';
export { isRetryable, type RetryPolicy, retryDelay } from './retry.ts';
export {
  type PipelineEvent,
  type PipelineResult,
  type PipelineRunOptions,
  type ResumePipelineOptions,
  type ReviewDecision,
  type ReviewPrompt,
  type RunPipelineOptions,
  resumePipeline,
  runPipeline,
  type StepResult,
} from './run-pipeline.ts';
export {
  listRuns,
  RUNS_DIR,
  type RunRecord,
  readRun,
  readTranscript,
  type StepAttempt,
  type StepRecord,
} from './run-record.ts';
export { type RunScriptOptions, runSkillScript, type ScriptResult, scriptEnv } from './run-script.ts';
export { bwrapArgs, findBwrap, type SandboxPlan, type ScriptSandbox, writablePaths } from './sandbox.ts';
export { createSession, type Session, type SessionOptions } from './session.ts';
export { confinedPath, listSkillFiles, MAX_READ_BYTES, readSkillFile } from './skill-files.ts';
export {
  executeToolCall,
  type ToolCall,
  type ToolOutcome,
  type ToolParameters,
  type ToolSpec,
} from './tool-spec.ts';
export type { ModelClient, ModelTurn } from './transport.ts';
export type {
  Capabilities,
  LoadedSkill,
  ModelApi,
  Permissions,
  SessionEvent,
  TranscriptEntry,
  Usage,
} from './types.ts';
