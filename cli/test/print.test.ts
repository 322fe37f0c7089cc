import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { printError, useColor } from '../src/lib/output/print.ts';
import { describeRetry } from '../src/lib/registry/http.ts';

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { stream, text: () => text };
}

describe('error output', () => {
  const err = new SkillsError('NOT_FOUND', 'bundle "x" not found', { hint: 'did you mean y?' });

  it('is plain text without colour', () => {
    const out = sink();
    printError(err, { json: false, stdout: out.stream, stderr: out.stream });
    expect(out.text()).toBe('ERR_SKILLS_NOT_FOUND: bundle "x" not found\nhint: did you mean y?\n');
  });

  it('colours the code when asked, keeping the same words', () => {
    const out = sink();
    printError(err, { json: false, stdout: out.stream, stderr: out.stream, color: true });
    expect(out.text()).toContain('\u001b[');
    expect(out.text().replace(/\u001b\[[0-9;]*m/g, '')).toBe(
      'ERR_SKILLS_NOT_FOUND: bundle "x" not found\nhint: did you mean y?\n',
    );
  });

  it('uses colour only on a terminal, never with NO_COLOR', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    expect(useColor(tty, {})).toBe(true);
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(useColor(new PassThrough(), {})).toBe(false);
    expect(useColor(new PassThrough(), { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('retry lines', () => {
  it('name the URL once, whether or not the reason already holds it', () => {
    const url = 'http://r.test/v1/bundles/x';
    expect(describeRetry({ attempt: 1, delayMs: 250, reason: 'HTTP 503', url })).toBe(
      `skills: HTTP 503 from ${url}; retrying in 0.3s\n`,
    );
    expect(
      describeRetry({ attempt: 2, delayMs: 1000, reason: `cannot reach ${url}: ECONNREFUSED`, url }),
    ).toBe(`skills: cannot reach ${url}: ECONNREFUSED; retrying in 1.0s\n`);
  });
});
