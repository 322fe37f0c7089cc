import { expect, test } from 'vitest';
import { renderJsonSchemas } from '../src/json-schemas.ts';

// The committed JSON Schemas are what editors use. In CI a stale or missing file fails this test;
// regenerate with `npm run generate -w @skills/schemas`.
for (const [file, text] of Object.entries(renderJsonSchemas())) {
  test(`schemas/json/${file} is current`, async () => {
    await expect(text).toMatchFileSnapshot(`../json/${file}`);
  });
}
