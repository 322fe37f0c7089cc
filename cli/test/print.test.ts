import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { printError, useColor } from '../src/lib/print.ts';

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
