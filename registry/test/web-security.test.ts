import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/db/store.ts';
import { CONTENT_SECURITY_POLICY, createWebRoutes } from '../src/web/index.ts';
import { createWebWorld, getPage, type WebWorld } from './web-world.ts';

/** Classic stored-XSS payloads (docs/security.md row 15). */
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'><iframe src=javascript:alert(1)>",
  '<a href="javascript:alert(1)">click</a>',
];
const P = PAYLOADS.join(' ');

const MARKDOWN_ATTACKS = `# Title ${PAYLOADS[0]}

${PAYLOADS.join('\n\n')}

<div onclick="alert(1)">block html</div>

<style>body{display:none}</style>

[plain](javascript:alert(1)) [upper](JAVASCRIPT:alert(1)) [entity](&#106;avascript:alert(1))
[tab](java\tscript:alert(1)) [vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[proto-relative](//evil.example/x) [backslashes](\\\\evil.example/x) [file](file:///etc/passwd)
<javascript:alert(1)> <https://ok.example/autolink>

![img](javascript:alert(1)) ![remote](https://tracker.example/pixel.png) ![local](img/a.png)

[ref][r]

[r]: javascript:alert(1)

[fine](https://example.com/docs) [mail](mailto:a@example.com) [rel](docs/guide.md) [frag](#usage)
`;

/** Tags a page may contain at all. Everything else in the output must be escaped text. */
const ALLOWED_TAGS = new Set(
  'html head meta title link body a header nav div form label input button main footer p code h1 h2 h3 h4 h5 h6 section ul ol li span strong em pre blockquote table thead tbody tr th td caption aside dl dt dd time select option br hr s del'.split(
    ' ',
  ),
);

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Fails unless the page is inert: every real tag is an allowed element without event handlers
 * or style, and every URL attribute is http(s), mailto, relative or the empty `data:,` favicon.
 */
function expectInert(body: string, where: string): void {
  expect(body, where).not.toMatch(/<script/i);
  const tags = body.match(/<[a-zA-Z][^>]*>/g) ?? [];
  for (const tag of tags) {
    const name = /^<([a-zA-Z0-9]+)/.exec(tag)![1]!.toLowerCase();
    expect(ALLOWED_TAGS.has(name), `${where}: element <${name}> in ${tag}`).toBe(true);
    const names = tag.replace(/"[^"]*"|'[^']*'/g, '""'); // attribute names only, not quoted values
    expect(names, where).not.toMatch(/\son[a-z]+\s*=/i);
    expect(names, where).not.toMatch(/\sstyle\s*=/i);
    expect(names, where).not.toMatch(/\s(srcdoc|formaction)\s*=/i);
    for (const m of tag.matchAll(/\s(href|src|action)\s*=\s*"([^"]*)"/gi)) {
      const url = decodeEntities(m[2]!).trim();
      const ok = /^(https?:\/\/|mailto:|\/(?![/\\])|#|\?|[a-z0-9._~-]+(\/|$))/i.test(url) || url === 'data:,';
      expect(ok, `${where}: ${m[1]}="${url}" in ${tag}`).toBe(true);
      expect(url, where).not.toMatch(/^\s*(javascript|vbscript|data:(?!,$)|file):/i);
    }
  }
}

let world: WebWorld;
beforeEach(async () => {
  world = await createWebWorld();
});
afterEach(async () => {
  await world.close();
});

async function publishHostile(): Promise<void> {
  const audit = { actor: 'alice', at: '2025-04-01T00:00:00.000Z', ip: null, requestId: null };
  await world.publish({
    name: 'evil',
    version: '1.0.0',
    description: `Looks fine ${P}`,
    category: 'security',
    keywords: [...PAYLOADS],
    license: PAYLOADS[0],
    homepage: 'javascript:alert(1)',
    repository: 'JaVaScRiPt:alert(document.cookie)',
    dependencies: { [PAYLOADS[2]!]: '^1.0.0' },
    capabilities: {
      network: [PAYLOADS[1]!],
      exec: [PAYLOADS[0]!],
      env: [PAYLOADS[2]!],
      write: [PAYLOADS[3]!],
    },
    warnings: [{ code: 'INSTRUCTION_OVERRIDE', path: PAYLOADS[2]!, line: 1, message: P }],
    skills: [{ name: PAYLOADS[2]!, description: P, body: MARKDOWN_ATTACKS }],
  });
  await world.publish({
    name: 'evil',
    version: '1.1.0',
    description: P,
    skills: [{ name: 'ok', description: P, body: MARKDOWN_ATTACKS }],
  });
  await world.store.setDeprecated({ name: 'evil', version: '1.1.0', message: P }, audit);
  await world.store.setDistTag({ name: 'evil', tag: PAYLOADS[2]!, version: '1.0.0' }, audit);
  // A name that publish would refuse, written straight to the store: the pages must still hold.
  await world.publish({
    name: `<script>alert(1)</script>`,
    version: '1.0.0',
    by: PAYLOADS[2]!,
    description: P,
  });
}

describe('stored XSS', () => {
  it('leaves every payload inert on every page', async () => {
    await publishHostile();
    const pages = [
      '/',
      '/bundles/evil',
      '/bundles/evil?version=1.0.0',
      `/search?q=${encodeURIComponent(P)}`,
      '/search?q=evil',
      `/search?q=${encodeURIComponent('"><svg onload=alert(1)>')}&category=${encodeURIComponent(P)}`,
      '/categories/security',
      '/~alice',
      `/~${encodeURIComponent(PAYLOADS[2]!)}`,
      `/bundles/${encodeURIComponent(PAYLOADS[0]!)}`,
    ];
    for (const path of pages) {
      const { status, body, headers } = await getPage(world.app, path);
      expect([200, 404], path).toContain(status);
      expect(headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
      expectInert(body, path);
    }
  });

  it('shows the payloads as text', async () => {
    await publishHostile();
    const { body } = await getPage(world.app, '/bundles/evil?version=1.0.0');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    // homepage and repository are not http(s): shown as text, never as links
    expect(body).toContain('<li>Homepage: javascript:alert(1)</li>');
    expect(body).toContain('<li>Repository: JaVaScRiPt:alert(document.cookie)</li>');
    // Markdown: raw HTML escaped, bad links left as text, good ones kept with rel, images not loaded
    expect(body).toContain('&lt;div onclick=&quot;alert(1)&quot;&gt;block html&lt;/div&gt;');
    expect(body).toContain('[plain](javascript:alert(1))');
    expect(body).toContain('<a href="https://example.com/docs" rel="nofollow noopener noreferrer">fine</a>');
    expect(body).toContain('<a href="mailto:a@example.com" rel="nofollow noopener noreferrer">mail</a>');
    expect(body).toContain('<a href="docs/guide.md" rel="nofollow noopener noreferrer">rel</a>');
    expect(body).toContain(
      '<a class="md-image" href="https://tracker.example/pixel.png" rel="nofollow noopener noreferrer">image: remote</a>',
    );
    expect(body).toContain('<span class="md-image">image: local</span>');
    expect(body).not.toMatch(/href="[^"]*evil\.example/);
    expect(body).not.toMatch(/<img/i);
  });

  it('sends the security headers with every page, 404, 500 and the stylesheet', async () => {
    await world.publish({ name: 'fine', version: '1.0.0' });
    const broken: Store = {
      ...world.store,
      getBundle: () => Promise.reject(new Error('secret database detail')),
    };
    const failing = createWebRoutes({ store: broken, blobs: world.blobs, publicUrl: 'http://127.0.0.1' });
    const cases: [typeof world.app, string, number][] = [
      [world.app, '/', 200],
      [world.app, '/search?q=x', 200],
      [world.app, '/bundles/fine', 200],
      [world.app, '/categories/docs', 200],
      [world.app, '/~alice', 200],
      [world.app, '/assets/site.css', 200],
      [world.app, '/bundles/missing', 404],
      [world.app, '/categories/missing', 404],
      [world.app, '/~missing', 404],
      [failing, '/bundles/fine', 500],
    ];
    for (const [app, path, status] of cases) {
      const res = await getPage(app, path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-security-policy'), path).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      if (status === 500) {
        expect(res.body).toContain('Something went wrong');
        expect(res.body).not.toContain('secret database detail');
      }
    }
  });

  it('makes bidi and zero-width characters visible', async () => {
    await world.publish({
      name: 'sneaky',
      version: '1.0.0',
      description: 'safe\u202Etxt.exe\u200B',
      keywords: ['a\u2066b'],
      skills: [
        { name: 'main', description: 'x\u200Dy', body: 'Do this\u200B and \u{E0041}\u{E0042} that \u202E.' },
      ],
    });
    const { body } = await getPage(world.app, '/bundles/sneaky');
    expect(body).toContain('safe[U+202E]txt.exe[U+200B]');
    expect(body).toContain('a[U+2066]b');
    expect(body).toContain('x[U+200D]y');
    expect(body).toContain('Do this[U+200B] and [U+E0041][U+E0042] that [U+202E].');
    expect(body).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]|[\u{E0000}-\u{E007F}]/u);
    const home = await getPage(world.app, '/');
    expect(home.body).toContain('safe[U+202E]txt.exe[U+200B]');
  });
});

describe('content warnings and capabilities', () => {
  it('shows the version’s warnings first and every capability kind', async () => {
    await world.publish({
      name: 'deployer',
      version: '1.0.0',
      capabilities: {
        network: ['api.vercel.com'],
        exec: ['vercel', 'git'],
        env: ['VERCEL_TOKEN'],
        write: ['.vercel/'],
      },
      warnings: [
        {
          code: 'PIPE_TO_SHELL',
          path: 'scripts/setup.sh',
          line: 3,
          message: 'pipes a download into a shell',
        },
        { code: 'CREDENTIAL_PATH', path: 'SKILL.md', line: 12, message: 'mentions ~/.aws/credentials' },
      ],
    });
    const { body } = await getPage(world.app, '/bundles/deployer');
    expect(body).toContain('<h2 id="content-warnings">⚠ Content warnings (2)</h2>');
    expect(body).toContain(
      '<strong>PIPE_TO_SHELL</strong> in <code>scripts/setup.sh</code> line 3: pipes a download into a shell',
    );
    expect(body).toContain('<strong>CREDENTIAL_PATH</strong> in <code>SKILL.md</code> line 12');
    expect(body.indexOf('content-warnings')).toBeLessThan(body.indexOf('id="install"'));
    expect(body).toMatch(/<th scope="row">Network<\/th>\s*<td>.*<code>api\.vercel\.com<\/code><\/td>/);
    expect(body).toMatch(
      /<th scope="row">Runs programs<\/th>\s*<td>.*<code>vercel<\/code>, <code>git<\/code><\/td>/,
    );
    expect(body).toMatch(/<th scope="row">Environment<\/th>\s*<td>.*<code>VERCEL_TOKEN<\/code><\/td>/);
    expect(body).toMatch(/<th scope="row">Writes files<\/th>\s*<td>.*<code>\.vercel\/<\/code><\/td>/);
    expect(body).toContain('<span class="badge badge-warn">2 warnings</span>');
  });

  it('says so when nothing is declared and nothing was found', async () => {
    await world.publish({ name: 'quiet', version: '1.0.0' });
    const { body } = await getPage(world.app, '/bundles/quiet');
    expect(body).not.toContain('Content warnings');
    expect(body).toContain('declares no network access, programs, environment variables or file writes');
    expect(body.match(/<span class="muted">none<\/span>/g)).toHaveLength(4);
  });

  it('warns when the name is one edit away from a popular bundle', async () => {
    await world.publish({ name: 'deploy-vercel', version: '1.0.0' });
    await world.store.addDownloads(new Map([['deploy-vercel', 5000]]));
    await world.publish({ name: 'deploy-vercell', version: '1.0.0', by: 'mallory' });
    const { body } = await getPage(world.app, '/bundles/deploy-vercell');
    expect(body).toContain('<h2>Check the name</h2>');
    expect(body).toContain('<a href="/bundles/deploy-vercel">deploy-vercel</a>');
  });
});
