/**
 * Who may use the one SQLite connection of this process, and when. better-sqlite3 runs each
 * statement synchronously, but a unit of work is an async body with awaits between statements,
 * and while a transaction is open on the connection any other statement would run inside it
 * (seeing, or being rolled back with, uncommitted rows). So: calls that open a transaction are
 * exclusive; plain reads share the connection with each other and run at once while no
 * transaction is open, else wait for it to end. Waiters are served in arrival order, so a
 * stream of reads cannot starve a write. (Kysely's SQLite driver guards its one connection
 * with a single mutex the same way.)
 */
export interface Gate {
  /** True while an exclusive call runs: a transaction may be open on the connection. */
  readonly exclusiveHeld: boolean;
  /** Runs `fn` alongside other shared calls, never while an exclusive one runs. */
  shared<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` alone. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

interface Waiter {
  exclusive: boolean;
  wake: () => void;
}

export function createGate(): Gate {
  let readers = 0;
  let writer = false;
  const queue: Waiter[] = [];

  /** Admits waiters from the front while they can run: one exclusive, or a run of shared. */
  function admit(): void {
    for (let next = queue[0]; next; next = queue[0]) {
      if (next.exclusive) {
        if (writer || readers > 0) return;
        writer = true;
      } else {
        if (writer) return;
        readers++;
      }
      queue.shift();
      next.wake();
    }
  }

  function wait(exclusive: boolean): Promise<void> {
    return new Promise((wake) => {
      queue.push({ exclusive, wake });
      admit();
    });
  }

  const leaveShared = () => {
    readers--;
    admit();
  };
  /** Runs `fn` as an admitted shared call, leaving however it ends (a synchronous throw too). */
  function runShared<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return fn().finally(leaveShared);
    } catch (e) {
      leaveShared();
      return Promise.reject(e);
    }
  }

  return {
    get exclusiveHeld() {
      return writer;
    },
    // Not an async function: the common case (no transaction open) adds no promise of its own.
    shared(fn) {
      if (writer || queue.length > 0) return wait(false).then(() => runShared(fn));
      readers++;
      return runShared(fn);
    },
    async exclusive(fn) {
      if (writer || readers > 0 || queue.length > 0) await wait(true);
      else writer = true;
      try {
        return await fn();
      } finally {
        writer = false;
        admit();
      }
    },
  };
}
