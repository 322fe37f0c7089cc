import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/lib/errors.ts';
import { makeTempDir } from './helpers/fs.ts';
import { runMain } from './helpers/run-main.ts';

/** URL credentials in CLI errors (security.md row 12, never printing secrets): tricky user info never leaks. */
describe('redactSecrets on URLs', () => {
  const cases: [string, string][] = [
    ['https://user:p@ss@host/x', 'https://user:[redacted]@host/x'],
    ['https://user:pa/ss@host/x', 'https://user:[redacted]@host/x'],
    ['https://user:a@b@c@host:4873/x?q=1', 'https://user:[redacted]@host:4873/x?q=1'],
    ['https://user:p%40ss@host', 'https://user:[redacted]@host'],
    ['https://user:secret@host', 'https://user:[redacted]@host'],
    ['http://ghp_0123456789@github.com/o/r.git', 'http://[redacted]@github.com/o/r.git'],
    ['git+ssh://git:pw@host/repo', 'git+ssh://git:[redacted]@host/repo'],
    [
      'cannot reach "https://u:p@ss@h/x": ECONNREFUSED',
      'cannot reach "https://u:[redacted]@h/x": ECONNREFUSED',
    ],
    ['a https://a:b@c/x and https://d:e/f@g/y.', 'a https://a:[redacted]@c/x and https://d:[redacted]@g/y.'],
    // No user info: left as it is, `@` in paths and queries included.
    ['http://127.0.0.1:4873/v1/bundles/@acme/x', 'http://127.0.0.1:4873/v1/bundles/@acme/x'],
    ['http://[::1]:4873/v1/bundles/@acme/x', 'http://[::1]:4873/v1/bundles/@acme/x'],
    ['https://host/x?mail=a@b.c', 'https://host/x?mail=a@b.c'],
    ['https://host:/x@y', 'https://host:/x@y'],
  ];
  for (const [input, expected] of cases) {
    it(`redacts ${input}`, () => {
      expect(redactSecrets(input)).toBe(expected);
    });
  }

  it('never prints a password holding a slash from a --registry the CLI cannot parse', async () => {
    const { dir, cleanup } = await makeTempDir('skills-redact-');
    try {
      const r = await runMain(['whoami', '--registry', 'https://alice:hunter2/x@registry.example/'], {
        cwd: dir,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^ERR_SKILLS_USAGE: /);
      expect(r.stderr).toContain('https://alice:[redacted]@registry.example/');
      expect(r.stderr).not.toContain('hunter2');
    } finally {
      await cleanup();
    }
  });
});
