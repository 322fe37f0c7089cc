import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { splitSkillMd } from '../src/frontmatter.ts';
import { simpleFrontmatter } from '../src/simple-frontmatter.ts';

/** What the YAML parser makes of `text`, as splitSkillMd reads it; undefined on a YAML error. */
function viaYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
}

/** A small deterministic generator (mulberry32), so a failure names a case that comes back. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'name',
  'description',
  'allowed-tools',
  'license',
  'a_b',
  'true',
  'Null',
  'x1',
  'a b',
  'a:b',
  ' name',
  '-x',
  '__proto__',
  '"q"',
];
const SEPARATORS = [': ', ':  ', ':\t', ':', ' : ', ': \t'];
const VALUES = [
  'deploy',
  'Deploys the app to Vercel, with previews.',
  'C# and F#',
  'a #comment',
  'key: value',
  'ends with:',
  'true',
  'FALSE',
  'Yes',
  'no',
  'null',
  '1.0',
  '0x1F',
  '.inf',
  '~',
  '"quoted"',
  '"1.0.0"',
  '"a: b # c"',
  '"with \\"escape"',
  '"back\\\\slash"',
  '"tab\tin"',
  '"unclosed',
  '"x" trailing',
  "'it''s'",
  "'single: #'",
  '""',
  "'single'",
  '[a, b]',
  '{a: 1}',
  '*ref',
  '&anchor x',
  '!tag x',
  '|',
  '>',
  '%x',
  '@x',
  '`x`',
  '- item',
  'tab\there',
  'ünïcödé — text',
  'line\u2028sep',
  'emoji 🚀',
  'nbsp\u00a0end',
  'bom\ufeffin',
  'bell\u0007',
  'nel\u0085x',
  'trailing   ',
  'Bash(git:*) Read',
  'a [b] {c}, d',
  '',
];

/** Values YAML reads as the same string; picked often, so that whole documents qualify. */
const PLAIN = [
  'deploy',
  'Deploys the app to Vercel, with previews.',
  'C# and F#',
  'Yes',
  'Bash(git:*) Read',
  'a [b] {c}, d',
];

describe('simpleFrontmatter: the same answer as the YAML parser, or none', () => {
  it('agrees with the YAML parser on every document it answers (20,000 generated documents)', () => {
    const next = random(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    let answered = 0;
    let nested = 0;
    for (let i = 0; i < 20_000; i++) {
      const lines: string[] = [];
      const count = 1 + Math.floor(next() * 4);
      for (let j = 0; j < count; j++) {
        const roll = next();
        if (roll < 0.05) lines.push('');
        else if (roll < 0.15) {
          // A block under `key:`, with the indent now and then uneven, a tab, or deeper.
          lines.push(`${pick(KEYS.slice(0, 7))}:`);
          const indent = pick(['  ', '  ', ' ', '    ', '\t', '']);
          for (let k = Math.floor(next() * 3); k > 0; k--) {
            const own = next() < 0.1 ? pick([' ', '   ', '\t']) : indent;
            lines.push(`${own}${pick(KEYS.slice(0, 6))}: ${pick(next() < 0.6 ? PLAIN : VALUES)}`);
          }
        } else if (roll < 0.08) lines.push(`  ${pick(VALUES)}`);
        else if (roll < 0.1) lines.push(`# ${pick(VALUES)}`);
        // Mostly a usual key and separator, so that whole documents often qualify.
        else if (roll < 0.4) lines.push(`${pick(KEYS)}${pick(SEPARATORS)}${pick(VALUES)}`);
        else lines.push(`${pick(KEYS.slice(0, 6))}: ${pick(next() < 0.5 ? PLAIN : VALUES)}`);
      }
      const text = lines.join(next() < 0.2 ? '\r\n' : '\n') + (next() < 0.5 ? '\n' : '');
      const fast = simpleFrontmatter(text);
      if (fast === undefined) continue;
      answered++;
      if (Object.values(fast).some((v) => typeof v === 'object')) nested++;
      expect({ text, value: fast }).toEqual({ text, value: viaYaml(text) });
    }
    // The fast path is taken for a good share of them, or this proves nothing.
    expect(answered).toBeGreaterThan(500);
    expect(nested).toBeGreaterThan(100);
  });

  it('answers the usual SKILL.md frontmatter and leaves the rest to the parser', () => {
    expect(
      simpleFrontmatter('name: deploy\nmetadata:\n  author: acme\n  version: v1\nlicense: MIT\n'),
    ).toEqual({
      name: 'deploy',
      metadata: { author: 'acme', version: 'v1' },
      license: 'MIT',
    });
    expect(simpleFrontmatter(`version: "1.0.0"\nnote: 'a: b # c'\n`)).toEqual({
      version: '1.0.0',
      note: 'a: b # c',
    });
    expect(simpleFrontmatter('name: deploy\ndescription: Deploys to Vercel. Use when asked.\n')).toEqual({
      name: 'deploy',
      description: 'Deploys to Vercel. Use when asked.',
    });
    for (const text of [
      'name: deploy\nname: other\n', // duplicate key: the parser's error
      'name: deploy\ndescription: >\n  folded\n', // block scalar
      'name: deploy\nmetadata:\n  a:\n    b: c\n', // two levels
      'name: deploy\nmetadata:\n', // null
      'metadata:\n  a: b\n    c: d\n', // uneven indent
      'version: 1.0\n', // a number
      'enabled: true\n', // a boolean
      'name: "esc\\"aped"\n', // an escape inside double quotes
      '',
    ]) {
      expect(simpleFrontmatter(text)).toBeUndefined();
    }
  });

  it('leaves splitSkillMd with the same result either way, problems included', () => {
    expect(splitSkillMd('SKILL.md', '---\nname: a\ndescription: b\n---\nbody\n')).toEqual({
      frontmatter: { name: 'a', description: 'b' },
      body: 'body\n',
      problems: [],
    });
    expect(splitSkillMd('SKILL.md', '---\nname: a\nname: b\n---\nbody\n').problems).toEqual([
      expect.objectContaining({ path: 'SKILL.md: line 3', code: 'INVALID_YAML' }),
    ]);
  });
});
