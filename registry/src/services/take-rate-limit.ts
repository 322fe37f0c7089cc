import type { Deps, RateLimitRules } from '../deps.ts';
import { RegistryError } from '../errors.ts';

/**
 * Takes one token from the `kind` bucket of `who`, held in the store so every process shares it.
 * @throws RegistryError RATE_LIMITED with `retryAfter` seconds when the bucket is empty.
 */
export async function takeRateLimit({
  deps,
  input,
}: {
  deps: Deps;
  input: { kind: keyof RateLimitRules; who: string };
}): Promise<void> {
  if (deps.rateLimits === false) return;
  const rule = deps.rateLimits[input.kind];
  const result = await deps.store.takeRateLimit({
    key: `${input.kind}:${input.who}`,
    capacity: rule.capacity,
    refillMs: rule.refillMs,
    nowMs: deps.clock().getTime(),
  });
  if (!result.allowed) {
    throw new RegistryError(
      'RATE_LIMITED',
      `too many ${input.kind} requests; retry in ${result.retryAfterSeconds}s`,
      {
        retryAfter: result.retryAfterSeconds,
      },
    );
  }
}
