import { and, eq } from 'drizzle-orm';
import type { Store } from '../store.ts';
import type { Db } from './connection.ts';
import { npmArtifacts } from './schema.ts';

/** The npm packages built from versions; the twin of `../sqlite/npm-artifacts.ts`. */
export function pgNpmArtifacts(db: Db): Pick<Store, 'getNpmArtifacts' | 'putNpmArtifact'> {
  return {
    async getNpmArtifacts(name) {
      return db.select().from(npmArtifacts).where(eq(npmArtifacts.name, name));
    },

    async putNpmArtifact(artifact) {
      await db.insert(npmArtifacts).values(artifact).onConflictDoNothing();
      const [stored] = await db
        .select()
        .from(npmArtifacts)
        .where(and(eq(npmArtifacts.name, artifact.name), eq(npmArtifacts.version, artifact.version)));
      if (!stored) throw new Error(`npm artifact of ${artifact.name}@${artifact.version} vanished`);
      return stored;
    },
  };
}
