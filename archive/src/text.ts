const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The file's text when it is UTF-8 and looks like text (no NUL in its first 8 KiB); undefined
 * for binary files. A leading byte-order mark is kept.
 * @example decodeText(Buffer.from('# Title')) // '# Title'
 */
export function decodeText(data: Buffer): string | undefined {
  if (data.subarray(0, 8192).includes(0)) return undefined;
  try {
    return decoder.decode(data);
  } catch {
    return undefined;
  }
}
