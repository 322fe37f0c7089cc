import type { Deps, RateLimitRules } from '../deps.ts';
import { RegistryError } from '../errors.ts';

/**
 * Takes one token from the `kind` bucket of `who`, held in the store so every process shares it.
 * A rule with a `lease` takes that many at once and spends them from this process's memory until
 * they run out or expire, and remembers a refusal until its `Retry-After`: most takes, and every
 * take of a flood already refused, write nothing.
 * @throws RegistryError RATE_LIMITED with `retryAfter` seconds when the bucket is empty.
 */
export async function takeRateLimit({
  deps,
  input,
}: {
  deps: Deps;
  input: { kind: keyof RateLimitRules; who: string };
}): Promise<void> {
  if (takeHeldToken({ deps, input })) return;
  if (deps.rateLimits === false) return;
  const rule = deps.rateLimits[input.kind];
  const key = `${input.kind}:${input.who}`;
  const nowMs = deps.clock().getTime();
  const lease = Math.max(1, Math.floor(rule.lease ?? 1));
  const held = lease > 1 ? deps.rateLeases.get(key) : undefined;
  if (held?.refused && nowMs < held.untilMs) {
    throw limited(input.kind, Math.ceil((held.untilMs - nowMs) / 1000));
  }
  const result = await deps.store.takeRateLimit({
    key,
    capacity: rule.capacity,
    refillMs: rule.refillMs,
    nowMs,
    ...(lease > 1 ? { take: lease } : {}),
  });
  if (!result.allowed) {
    if (lease > 1) {
      // Concurrent takes may have leased the bucket's last tokens into this process meanwhile.
      const leased = deps.rateLeases.get(key);
      if (leased && !leased.refused && nowMs < leased.untilMs && leased.tokens >= 1) {
        leased.tokens -= 1;
        return;
      }
      deps.rateLeases.set(key, {
        tokens: 0,
        untilMs: nowMs + result.retryAfterSeconds * 1000,
        refused: true,
      });
    }
    throw limited(input.kind, result.retryAfterSeconds);
  }
  if (lease > 1) {
    const again = deps.rateLeases.get(key);
    const spare = again && !again.refused && nowMs < again.untilMs ? again.tokens : 0;
    deps.rateLeases.set(key, {
      tokens: spare + result.granted - 1,
      untilMs: nowMs + lease * rule.refillMs,
      refused: false,
    });
  }
}

function limited(kind: string, retryAfterSeconds: number): RegistryError {
  const retryAfter = Math.max(1, retryAfterSeconds);
  return new RegistryError('RATE_LIMITED', `too many ${kind} requests; retry in ${retryAfter}s`, {
    retryAfter,
  });
}

/**
 * The take of `takeRateLimit` when it needs no store, synchronously: true when rate limits are
 * off, or a token was spent from a lease this process holds; false (nothing taken) when the
 * take must go to the store, or is refused.
 */
export function takeHeldToken({
  deps,
  input,
}: {
  deps: Pick<Deps, 'rateLimits' | 'rateLeases' | 'clock'>;
  input: { kind: keyof RateLimitRules; who: string };
}): boolean {
  if (deps.rateLimits === false) return true;
  if (Math.floor(deps.rateLimits[input.kind].lease ?? 1) <= 1) return false;
  const held = deps.rateLeases.get(`${input.kind}:${input.who}`);
  if (!held || held.tokens < 1 || deps.clock().getTime() >= held.untilMs) return false;
  held.tokens -= 1;
  return true;
}
