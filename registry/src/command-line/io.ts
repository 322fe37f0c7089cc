/** What the command line talks to; bin.ts passes the real process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
  stopSignal: () => Promise<string>;
  /**
   * Sets V8 flags for the whole process (`v8.setFlagsFromString`); `serve` tunes the garbage
   * collector with it (`--heap-growth`). Absent (tests in a shared process), nothing is set.
   */
  setV8Flags?: (flags: string) => void;
}

/** A usage or input error: printed as one line, exit status 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
