import type { BundleInspection } from '@skills/archive';
import type { BundleManifest } from '@skills/schemas';
import type { StoredVersion } from './version-document.ts';

/** The stored version document, derived only from the archive's inspection and publish facts. */
export function buildVersion(input: {
  manifest: BundleManifest;
  inspection: BundleInspection;
  integrity: string;
  size: number;
  fileCount: number;
  publishedAt: string;
  publishedBy: string;
  signature: NonNullable<StoredVersion['signature']>;
}): StoredVersion {
  const { manifest: m, inspection } = input;
  return {
    name: m.name,
    version: m.version,
    description: m.description ?? '',
    ...(m.license !== undefined ? { license: m.license } : {}),
    ...(m.category !== undefined ? { category: m.category } : {}),
    keywords: m.keywords ?? [],
    ...(m.repository !== undefined ? { repository: m.repository } : {}),
    ...(m.homepage !== undefined ? { homepage: m.homepage } : {}),
    integrity: input.integrity,
    size: input.size,
    fileCount: input.fileCount,
    dependencies: m.dependencies ?? {},
    skills: inspection.skills.map((s) => ({
      name: s.name,
      description: s.frontmatter.description,
      path: s.path,
      ...(s.frontmatter['allowed-tools'] !== undefined
        ? { allowedTools: s.frontmatter['allowed-tools'] }
        : {}),
    })),
    pipelines: inspection.pipelines.map((p) => p.pipeline.name),
    capabilities: inspection.capabilities,
    publishedAt: input.publishedAt,
    publishedBy: input.publishedBy,
    warnings: inspection.warnings,
    signature: input.signature,
  };
}
