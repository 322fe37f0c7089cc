import { and, eq } from 'drizzle-orm';
import type { Store } from '../store.ts';
import type { Db } from './connection.ts';
import { npmArtifacts } from './schema.ts';

/** The npm packages built from versions. Wire in with `...sqliteNpmArtifacts(db)`. */
export function sqliteNpmArtifacts(db: Db): Pick<Store, 'getNpmArtifacts' | 'putNpmArtifact'> {
  return {
    async getNpmArtifacts(name) {
      return db.select().from(npmArtifacts).where(eq(npmArtifacts.name, name)).all();
    },

    async putNpmArtifact(artifact) {
      db.insert(npmArtifacts).values(artifact).onConflictDoNothing().run();
      const stored = db
        .select()
        .from(npmArtifacts)
        .where(and(eq(npmArtifacts.name, artifact.name), eq(npmArtifacts.version, artifact.version)))
        .get();
      if (!stored) throw new Error(`npm artifact of ${artifact.name}@${artifact.version} vanished`);
      return stored;
    },
  };
}
