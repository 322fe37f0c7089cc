import { describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { looksLikeSource, parseSourceSpec, sourceSpecFromArg } from '../src/lib/resolve/source-spec.ts';

describe('source specs', () => {
  it('tells sources from name[@range] on the command line', () => {
    for (const s of [
      './x',
      '../x',
      '.',
      '/abs/x',
      'x.tgz',
      'dist/x-1.0.0.tar.gz',
      'file:x',
      'git+https://h/r.git#v1',
    ])
      expect(looksLikeSource(s), s).toBe(true);
    for (const s of ['deploy', '@acme/deploy@^1.2', 'x@1.0.0', 'x@beta.tgz'])
      expect(looksLikeSource(s), s).toBe(false);
  });

  it('writes paths as file: relative to skills.json, with forward slashes, as npm does', () => {
    expect(sourceSpecFromArg('./vendor/a', { cwd: '/p', baseDir: '/p' })).toBe('file:vendor/a');
    expect(sourceSpecFromArg('../common/b.tgz', { cwd: '/p/sub', baseDir: '/p' })).toBe('file:common/b.tgz');
    expect(sourceSpecFromArg('/elsewhere/c', { cwd: '/p', baseDir: '/p' })).toBe('file:../elsewhere/c');
    expect(sourceSpecFromArg('.', { cwd: '/p', baseDir: '/p' })).toBe('file:.');
    expect(sourceSpecFromArg('file:../d', { cwd: '/p/sub', baseDir: '/p' })).toBe('file:../d');
    expect(sourceSpecFromArg('git+file:///srv/r#v1', { cwd: '/p', baseDir: '/p' })).toBe(
      'git+file:///srv/r#v1',
    );
  });

  it('parses git specs and refuses transports, refs and values it will not hand to git', () => {
    expect(parseSourceSpec('git+https://h.example/r.git#v1.2', '/p')).toEqual({
      kind: 'git',
      spec: 'git+https://h.example/r.git#v1.2',
      url: 'https://h.example/r.git',
      ref: 'v1.2',
    });
    expect(parseSourceSpec('git+file:///srv/r', '/p')).toMatchObject({ url: 'file:///srv/r', ref: 'HEAD' });
    const refused = [
      ['git+ssh://h/r.git#v1', /only git\+https:\/\/ and git\+file:\/\//],
      ['git+ext::sh -c touch% /tmp/x', /only git\+https/],
      ['git+https://h/r.git#--upload-pack=touch', /is not a tag, branch or commit name/],
      ['git+https://h/r.git#a..b', /is not a tag, branch or commit name/],
      ['git+https://h/r.git#', /is not a tag, branch or commit name/],
      ['git+file://relative/r#v1', /needs an absolute path/],
      ['file:', /names no path/],
      ['file:caf\u00e9', /printable ASCII/],
    ] as const;
    for (const [spec, why] of refused) {
      let err: unknown;
      try {
        parseSourceSpec(spec, '/p');
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(SkillsError);
      expect((err as SkillsError).code, spec).toBe('USAGE');
      expect((err as SkillsError).message, spec).toMatch(why);
    }
  });
});
