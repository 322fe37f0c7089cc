/** One file of a bundle, in memory. */
export interface BundleFile {
  /** POSIX path relative to the bundle root, NFC, no leading `./`, no `..` (`skills/deploy/SKILL.md`). */
  path: string;
  data: Buffer;
  /** Packed as mode 0755 when true, 0644 otherwise. */
  executable: boolean;
}
