/** A buffered writer of JSON log lines; see `createLogWriter`. */
export interface LogWriter {
  /** Queues one entry as a JSON line, `time` first; `error` entries are written at once. */
  write(entry: Record<string, unknown> & { level: string }): void;
  /** Writes whatever is queued, now. */
  flush(): void;
}

/** Lines queued before a synchronous flush, whatever the event loop is doing. */
const MAX_QUEUED_LINES = 512;

/**
 * JSON log lines off the request path: each line is appended to a buffer, and the buffer goes
 * out in one `write` per batch, from a `setImmediate` after the current I/O phase (or at once
 * when it holds `MAX_QUEUED_LINES`, or the entry is an error). Call `flush` before exiting.
 * The line is `{"time":ISO,...entry}`: the same as `JSON.stringify({ time, ...entry })`.
 * @example const log = createLogWriter((t) => process.stderr.write(t)); log.write({ level: 'info', msg: 'hi' })
 */
export function createLogWriter(out: (text: string) => void, now: () => number = Date.now): LogWriter {
  let queued = '';
  let lines = 0;
  let scheduled = false;
  let lastMs = -1;
  let lastIso = '';
  const flush = () => {
    scheduled = false;
    if (lines === 0) return;
    const text = queued;
    queued = '';
    lines = 0;
    out(text);
  };
  const isoNow = () => {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
  return {
    write(entry) {
      const json = JSON.stringify(entry);
      queued += `{"time":"${isoNow()}"${json.length > 2 ? ',' : ''}${json.slice(1)}\n`;
      lines++;
      if (entry.level === 'error' || lines >= MAX_QUEUED_LINES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
