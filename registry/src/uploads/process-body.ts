import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';
import type { ProcessedUpload } from './process-upload.ts';

/**
 * Hands an upload to `deps.uploadPool` (`bytes` may be transferred: do not use it after) and
 * turns a refusal into its RegistryError; a refusal that is a bug is logged and answered 500.
 * @throws RegistryError INVALID_BUNDLE, TOO_LARGE, UNAVAILABLE, INTERNAL.
 */
export async function processBody(deps: Deps, bytes: Uint8Array): Promise<ProcessedUpload> {
  const outcome = await deps.uploadPool.run(bytes, deps.archiveLimits);
  if (outcome.ok) return outcome.upload;
  const { code, message, problems, bug } = outcome.refusal;
  if (bug)
    deps.log({ level: code === 'INTERNAL' ? 'error' : 'warn', msg: 'upload processing failed', error: bug });
  throw new RegistryError(code, message, problems ? { problems } : {});
}
