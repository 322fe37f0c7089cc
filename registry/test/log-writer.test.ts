import { describe, expect, test } from 'vitest';
import { createLogWriter } from '../src/command-line/log-writer.ts';

describe('createLogWriter', () => {
  test('batches lines into one write per turn, time first, same shape as JSON.stringify', async () => {
    const writes: string[] = [];
    const log = createLogWriter(
      (t) => writes.push(t),
      () => Date.UTC(2025, 0, 2, 3, 4, 5, 6),
    );
    log.write({ level: 'info', msg: 'request', requestId: 'a', status: 200, ms: 1.5 });
    log.write({ level: 'info', msg: 'request', requestId: 'b', path: '/x"y' });
    expect(writes).toEqual([]);
    await new Promise((ok) => setImmediate(ok));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.split('\n');
    expect(lines.pop()).toBe('');
    const time = '2025-01-02T03:04:05.006Z';
    expect(lines[0]).toBe(
      JSON.stringify({ time, level: 'info', msg: 'request', requestId: 'a', status: 200, ms: 1.5 }),
    );
    expect(JSON.parse(lines[1]!)).toEqual({
      time,
      level: 'info',
      msg: 'request',
      requestId: 'b',
      path: '/x"y',
    });
  });

  test('an error line goes out at once, with what was queued before it; flush empties the queue', () => {
    const writes: string[] = [];
    const log = createLogWriter((t) => writes.push(t));
    log.write({ level: 'info', msg: 'one' });
    log.write({ level: 'error', msg: 'two' });
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
    ).toEqual(['one', 'two']);
    log.write({ level: 'warn', msg: 'three' });
    log.flush();
    log.flush();
    expect(writes).toHaveLength(2);
  });
});
