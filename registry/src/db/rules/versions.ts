import { and, eq } from 'drizzle-orm';
import { pickLatest } from '../../domain/latest.ts';
import type { Dialect } from '../dialect.ts';
import type { Store } from '../store.ts';
import { auditRecorder } from './audit.ts';
import { bundleSync } from './sync-bundle.ts';

type VersionMethods = Pick<Store, 'setDistTag' | 'removeDistTag' | 'setDeprecated' | 'setYanked'>;

/** Dist-tags, deprecation and yanking: each one write with its audit entry. */
export function versionChanges(d: Dialect): VersionMethods {
  const { bundles, distTags, versions } = d.tables;
  const { syncBundle, touchBundle, setTag } = bundleSync(d);
  const recordAudit = auditRecorder(d.tables);
  const oneVersion = (name: string, version: string) =>
    and(eq(versions.name, name), eq(versions.version, version));
  return {
    setDistTag({ name, tag, version }, audit) {
      return d.write(async (q) => {
        const all = await q
          .select({ version: versions.version, yanked: versions.yanked })
          .from(versions)
          .where(eq(versions.name, name));
        const target = all.find((v) => v.version === version);
        if (!target) return { refused: 'NOT_FOUND' as const };
        if (target.yanked) return { refused: 'YANKED' as const };
        await setTag(q, { name, tag, version });
        if (tag === 'latest') {
          // `latest` set anywhere but where the rule points is pinned there (docs/http-api.md).
          await q
            .update(bundles)
            .set({ latestPinned: version !== pickLatest(all) })
            .where(eq(bundles.name, name));
        }
        await syncBundle(q, name, audit.at);
        await recordAudit(q, audit, 'dist-tag.set', name, { tag, version });
        return { ok: true as const };
      });
    },

    async removeDistTag({ name, tag }, audit) {
      if (tag === 'latest') return { refused: 'LATEST' };
      return d.write(async (q) => {
        const res = await q
          .delete(distTags)
          .where(and(eq(distTags.name, name), eq(distTags.tag, tag)))
          .returning({ tag: distTags.tag });
        if (res.length === 0) return { refused: 'NOT_FOUND' as const };
        await touchBundle(q, name, audit.at);
        await recordAudit(q, audit, 'dist-tag.remove', name, { tag });
        return { ok: true as const };
      });
    },

    setDeprecated({ name, version, message }, audit) {
      return d.write(async (q) => {
        const res = await q
          .update(versions)
          .set({ deprecated: message })
          .where(oneVersion(name, version))
          .returning({ v: versions.version });
        if (res.length === 0) return false;
        await touchBundle(q, name, audit.at);
        await recordAudit(q, audit, message ? 'version.deprecate' : 'version.undeprecate', name, {
          version,
          ...(message ? { message } : {}),
        });
        return true;
      });
    },

    setYanked({ name, version, yanked }, audit) {
      return d.write(async (q) => {
        const res = await q
          .update(versions)
          .set({ yanked })
          .where(oneVersion(name, version))
          .returning({ v: versions.version });
        if (res.length === 0) return false;
        const [latest] = await q
          .select({ version: distTags.version })
          .from(distTags)
          .where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')));
        if (yanked && latest?.version === version) {
          // Yanking a pinned latest ends the pin: `latest` falls back to the rule.
          await q.update(bundles).set({ latestPinned: false }).where(eq(bundles.name, name));
        }
        await syncBundle(q, name, audit.at);
        await recordAudit(q, audit, yanked ? 'version.yank' : 'version.unyank', name, { version });
        return true;
      });
    },
  };
}
