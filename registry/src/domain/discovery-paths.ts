/**
 * Where the discovery index of one bundle and its skills' artifacts live, relative to the
 * registry's origin. Everything sits under `/bundles/NAME/.well-known/agent-skills/`, so
 * `skills add ORIGIN/bundles/NAME` finds the bundle's own index, and a client that keeps an
 * artifact's URL cut at `/.well-known/` gets back `ORIGIN/bundles/NAME` to re-add from.
 */
export function bundleWellKnownPath(name: string): string {
  return `/bundles/${name}/.well-known/agent-skills`;
}

/** `/bundles/NAME/.well-known/agent-skills/index.json` */
export function bundleIndexPath(name: string): string {
  return `${bundleWellKnownPath(name)}/index.json`;
}

/**
 * An artifact's path: `…/VERSION/SKILL.tar.gz` for an archive, `…/VERSION/SKILL/SKILL.md` for a
 * lone SKILL.md. Versioned, so the bytes at a URL never change.
 * @example skillArtifactPath('@acme/ops', '1.0.0', 'lint', 'archive') // '/bundles/@acme/ops/.well-known/agent-skills/1.0.0/lint.tar.gz'
 */
export function skillArtifactPath(
  name: string,
  version: string,
  skill: string,
  type: 'skill-md' | 'archive',
): string {
  const base = `${bundleWellKnownPath(name)}/${version}/${skill}`;
  return type === 'archive' ? `${base}.tar.gz` : `${base}/SKILL.md`;
}
