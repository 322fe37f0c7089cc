import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * A fresh temp project holding `tree` (path → content), removed after the test.
 * @example const dir = await makeProject({ '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Fill PDFs.') })
 */
export async function makeProject(tree: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runtime-test-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A SKILL.md with a name, a description and a body. */
export function skillMd(
  name: string,
  description: string,
  body = `# ${name}\n\nDo the ${name} thing.\n`,
): string {
  return `---\nname: ${name}\ndescription: ${JSON.stringify(description)}\n---\n\n${body}`;
}

/**
 * A `skills-lock.json` as install writes it: one bundle per skill folder, with the capabilities
 * its published manifest declares.
 * @example lockfileGranting({ pdf: { env: ['PDF_TOKEN'] } })
 */
export function lockfileGranting(skills: Record<string, Record<string, string[]>>): string {
  const bundles = Object.fromEntries(
    Object.entries(skills).map(([name, capabilities], i) => [
      `${name}-bundle`,
      {
        version: '1.0.0',
        resolved: `http://registry.test/${name}.tgz`,
        integrity: `sha512-${String.fromCharCode(65 + i).repeat(86)}==`,
        skills: [name],
        ...(Object.keys(capabilities).length ? { capabilities } : {}),
      },
    ]),
  );
  return JSON.stringify({ lockfileVersion: 1, bundles });
}

/** Collects every event of an async iterable. */
export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of events) out.push(e);
  return out;
}
