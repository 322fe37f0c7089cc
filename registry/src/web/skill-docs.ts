import { decodeText, readArchive, splitSkillMd } from '@skills/archive';
import type { VersionRecord } from '../db/store.ts';
import { createLru } from '../lru.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { raw, type SafeHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';

/** The rendered body of one skill's SKILL.md, or why there is none: no such file, or no readable tarball. */
export type SkillDoc = { ok: true; html: SafeHtml } | { ok: false; reason: 'missing' | 'unreadable' };

export interface SkillDocs {
  /** The SKILL.md of the skill at `skillPath` (`.` or `skills/NAME`) in this version's tarball. */
  get(version: VersionRecord, skillPath: string): Promise<SkillDoc>;
}

/**
 * Renders SKILL.md bodies from the published tarballs. A version's bytes never change, so results
 * are cached by integrity and skill path, in an LRU of at most `maxEntries`.
 * Failures to read a tarball are not cached (a blob store may come back); `onError` hears of them.
 */
export function createSkillDocs(options: {
  blobs: BlobStore;
  maxEntries?: number;
  onError?: (error: unknown, version: VersionRecord) => void;
}): SkillDocs {
  const cache = createLru<SkillDoc>(options.maxEntries ?? 256);
  return {
    async get(version, skillPath) {
      const key = `${version.integrity} ${skillPath}`;
      const hit = cache.get(key);
      if (hit) return hit;
      let files: Awaited<ReturnType<typeof readArchive>>['files'];
      try {
        const bytes = await options.blobs.get(version.sha256);
        if (!bytes) throw new Error(`no blob ${version.sha256}`);
        ({ files } = await readArchive(bytes));
      } catch (error) {
        options.onError?.(error, version);
        return { ok: false, reason: 'unreadable' };
      }
      const doc = renderSkill(files, skillPath);
      cache.set(key, doc);
      return doc;
    },
  };
}

function renderSkill(files: { path: string; data: Buffer }[], skillPath: string): SkillDoc {
  const path =
    skillPath === '.' || skillPath === '' ? 'SKILL.md' : `${skillPath.replace(/\/+$/, '')}/SKILL.md`;
  const file = files.find((f) => f.path === path);
  if (!file) return { ok: false, reason: 'missing' };
  const text = decodeText(file.data);
  if (text === undefined) return { ok: false, reason: 'unreadable' };
  const { body } = splitSkillMd(path, text);
  return { ok: true, html: body.trim() ? renderMarkdown(body) : raw('') };
}
