import { packFiles } from '@skills/archive';
import { describe, expect, it } from 'vitest';
import type { VersionRecord } from '../src/db/store.ts';
import { createLru } from '../src/lru.ts';
import { blobDigest } from '../src/storage/blob-store.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { escapeHtml, html, raw, revealHidden } from '../src/web/html.ts';
import { isAllowedLink, renderMarkdown } from '../src/web/markdown.ts';
import { createSkillDocs } from '../src/web/skill-docs.ts';

describe('html template', () => {
  it('escapes every interpolation unless it is SafeHtml', () => {
    const name = `<b>"x" & 'y'</b>`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</p>',
    );
    expect(html`<div>${html`<i>${'<'}</i>`}${raw('<hr>')}</div>`.value).toBe('<div><i>&lt;</i><hr></div>');
  });

  it('joins arrays and drops null, undefined and booleans', () => {
    expect(html`<ul>${['<a>', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li></ul>',
    );
    expect(html`${null}${undefined}${false}${true}${0}`.value).toBe('0');
  });

  it('reveals hidden characters', () => {
    expect(revealHidden('a\u202Eb\u200Bc\u{E0041}\u0007d\te\nf')).toBe(
      'a[U+202E]b[U+200B]c[U+E0041][U+0007]d\te\nf',
    );
    expect(escapeHtml('\uFEFF<')).toBe('[U+FEFF]&lt;');
  });
});

describe('markdown', () => {
  it('allows http(s), mailto and relative links only', () => {
    for (const ok of [
      'https://a.example/x',
      'HTTP://a.example',
      'mailto:a@b.example',
      'docs/x.md',
      './x',
      '../x',
      '/x',
      '#top',
      '?q=1',
      'a/b:c',
    ]) {
      expect(isAllowedLink(ok), ok).toBe(true);
    }
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'vbscript:x',
      'data:text/html,x',
      'file:///etc/passwd',
      'ftp://x',
      '//evil.example',
      '\\\\evil.example',
      '/\\evil.example',
      '%5C%5Cevil.example',
      '/%5Cevil.example',
      'a:b',
      '',
    ]) {
      expect(isAllowedLink(bad), bad).toBe(false);
    }
  });

  it('escapes raw HTML and never links a refused URL', () => {
    const out = renderMarkdown(
      '<script>alert(1)</script>\n\nx <b onclick="y">b</b> [a](javascript:alert(1)) <javascript:alert(1)>',
    ).value;
    expect(out).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>x &lt;b onclick=&quot;y&quot;&gt;b&lt;/b&gt; [a](javascript:alert(1)) &lt;javascript:alert(1)&gt;</p>\n',
    );
  });

  it('does not auto-link bare URLs, marks links nofollow and never loads an image', () => {
    expect(renderMarkdown('see https://a.example').value).toBe('<p>see https://a.example</p>\n');
    expect(renderMarkdown('[a](https://a.example "T")').value).toBe(
      '<p><a href="https://a.example" title="T" rel="nofollow noopener noreferrer">a</a></p>\n',
    );
    expect(renderMarkdown('![logo *big*](https://a.example/l.png)').value).toBe(
      '<p><a class="md-image" href="https://a.example/l.png" rel="nofollow noopener noreferrer">image: logo big</a></p>\n',
    );
    expect(renderMarkdown('![](pic.png)').value).toBe(
      '<p><span class="md-image">image: pic.png</span></p>\n',
    );
  });

  it('moves headings down two levels and keeps code as text', () => {
    expect(renderMarkdown('# A\n\n##### E\n\n###### F').value).toBe('<h3>A</h3>\n<h6>E</h6>\n<h6>F</h6>\n');
    expect(renderMarkdown('```js" onload="x\n<b>\n```').value).toBe(
      '<pre><code><b>\n</code></pre>\n'.replace('<b>', '&lt;b&gt;'),
    );
    expect(renderMarkdown('```bash\nrm -rf /\n```').value).toBe(
      '<pre><code class="language-bash">rm -rf /\n</code></pre>\n',
    );
  });

  it('emits no style attribute for aligned table columns', () => {
    const out = renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |').value;
    expect(out).not.toContain('style');
    expect(out).toContain('<th class="align-center">a</th>');
    expect(out).toContain('<td class="align-right">2</td>');
  });
});

describe('LRU', () => {
  it('forgets the least recently used entry', () => {
    const lru = createLru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });
});

describe('skill docs', () => {
  it('reads a version’s tarball once and caches the rendered SKILL.md by integrity', async () => {
    const blobs = createMemoryBlobStore();
    const tarball = packFiles([
      { path: 'skill.json', data: Buffer.from('{}'), executable: false },
      {
        path: 'skills/a/SKILL.md',
        data: Buffer.from('---\nname: a\ndescription: A\n---\n# A doc'),
        executable: false,
      },
    ]);
    const sha256 = blobDigest(tarball);
    await blobs.put(sha256, tarball);
    let reads = 0;
    const docs = createSkillDocs({
      blobs: {
        ...blobs,
        get(digest) {
          reads++;
          return blobs.get(digest);
        },
      },
      maxEntries: 4,
    });
    const version = { integrity: 'sha512-x', sha256 } as VersionRecord;
    const first = await docs.get(version, 'skills/a');
    expect(first).toEqual({ ok: true, html: expect.objectContaining({ value: '<h3>A doc</h3>\n' }) });
    await docs.get(version, 'skills/a');
    expect(reads).toBe(1);
    expect(await docs.get(version, 'skills/b')).toEqual({ ok: false, reason: 'missing' });
  });

  it('reports a missing or broken tarball without throwing and without caching it', async () => {
    const blobs = createMemoryBlobStore();
    const errors: unknown[] = [];
    const docs = createSkillDocs({ blobs, onError: (e) => errors.push(e) });
    const missing = { integrity: 'sha512-m', sha256: 'a'.repeat(64) } as VersionRecord;
    expect(await docs.get(missing, '.')).toEqual({ ok: false, reason: 'unreadable' });
    const junk = Buffer.from('not a tarball');
    await blobs.put(blobDigest(junk), junk);
    const broken = { integrity: 'sha512-b', sha256: blobDigest(junk) } as VersionRecord;
    expect(await docs.get(broken, '.')).toEqual({ ok: false, reason: 'unreadable' });
    expect(errors).toHaveLength(2);
    expect(await docs.get(broken, '.')).toEqual({ ok: false, reason: 'unreadable' });
    expect(errors).toHaveLength(3);
  });
});
