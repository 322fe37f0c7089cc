import { and, eq } from 'drizzle-orm';
import type { Dialect } from '../dialect.ts';
import type { Store } from '../store.ts';

/** The npm packages built from versions (docs/marketplace.md); the first record of each wins. */
export function npmArtifactRecords(d: Dialect): Pick<Store, 'getNpmArtifacts' | 'putNpmArtifact'> {
  const { npmArtifacts } = d.tables;
  return {
    getNpmArtifacts(name) {
      return d.run(async (q) => q.select().from(npmArtifacts).where(eq(npmArtifacts.name, name)));
    },

    putNpmArtifact(artifact) {
      return d.run(async (q) => {
        await q.insert(npmArtifacts).values(artifact).onConflictDoNothing();
        const [stored] = await q
          .select()
          .from(npmArtifacts)
          .where(and(eq(npmArtifacts.name, artifact.name), eq(npmArtifacts.version, artifact.version)));
        if (!stored) throw new Error(`npm artifact of ${artifact.name}@${artifact.version} vanished`);
        return stored;
      });
    },
  };
}
