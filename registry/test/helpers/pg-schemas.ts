import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

/** DATABASE_URL when it is a postgres:// URL (CI sets it); undefined otherwise, and the PostgreSQL tests skip, visibly. */
export const PG_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL
  : undefined;

/**
 * Names fresh schemas on DATABASE_URL's database and drops them after the file's (or the
 * describe's) tests: call it at that level, where it registers its `afterAll`.
 * @example const newSchema = useTestSchemas(); const store = await createPgStore({ url: PG_URL!, schema: newSchema() })
 */
export function useTestSchemas(prefix = 'registry_test'): () => string {
  const schemas: string[] = [];
  afterAll(async () => {
    if (!PG_URL || schemas.length === 0) return;
    const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    try {
      for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    } finally {
      await admin.end();
    }
  });
  return () => {
    const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };
}
