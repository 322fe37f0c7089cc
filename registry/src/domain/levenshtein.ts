/**
 * Whether `a` and `b` are at most one insertion, deletion or substitution apart.
 * Linear time: this runs for every new bundle against the popular ones.
 * @example withinOneEdit('react', 'raect') // false (a transposition is two edits)
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  if (s.length === l.length) return s.slice(i + 1) === l.slice(i + 1);
  return s.slice(i) === l.slice(i + 1);
}
