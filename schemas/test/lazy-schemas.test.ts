import { describe, expect, it } from 'vitest';
import * as schemas from '../src/index.ts';

// Every CLI command imports this package; building every zod schema on import cost a command
// ~30 ms of start-up. Each exported schema is `z.lazy(() => …)`: built on its first use, once.
describe('the exported schemas are built on first use', () => {
  const exported = Object.entries(schemas).filter(([name]) => name.endsWith('Schema'));

  it('exports each schema as z.lazy', () => {
    expect(exported.length).toBeGreaterThan(30);
    for (const [name, schema] of exported) {
      expect({ name, type: (schema as { _zod: { def: { type: string } } })._zod.def.type }).toEqual({
        name,
        type: 'lazy',
      });
    }
  });

  it('parses through the lazy wrapper with the inner schema’s messages and paths', () => {
    const bad = schemas.lockfileSchema.safeParse({
      lockfileVersion: 1,
      dependencies: {},
      bundles: { x: {} },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path[0]).toBe('bundles');
    expect(schemas.semverSchema.safeParse('1.2').error?.issues[0]?.message).toBe(
      'must be a semantic version such as 1.2.0',
    );
    expect(schemas.publishableVersionSchema.safeParse('1.0.0+build').success).toBe(false);
    expect(schemas.publishableVersionSchema.safeParse('1.0.0').success).toBe(true);
  });
});
