import type { Q } from '../dialect.ts';

/** What drizzle's `.prepare(name)` returns, as far as the rules use it. */
interface Prepared<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/**
 * A statement of the publish path, built once per `q` and run with `sql.placeholder` values:
 * drizzle builds its SQL text once instead of on every call, and PostgreSQL gets it as a named
 * prepared statement, parsed and planned once per connection. `q` is the connection's drizzle
 * instance inside a write (one per pooled connection, kept) or the dialect's own outside one;
 * `build` must name the statement (`.prepare(name)`, unique per SQL text; SQLite ignores it).
 * @example const bump = prepared((q) => q.update(t).set({...}).where(eq(t.id, sql.placeholder('id'))).prepare('bump'));
 */
export function prepared<R>(
  build: (q: Q) => Prepared<R>,
): (q: Q, values?: Record<string, unknown>) => Promise<R> {
  const statementOf = oncePer(build);
  return (q, values) => statementOf(q).execute(values);
}

/**
 * `build(key)`, made on the first call for a key object and kept while that object lives (a
 * connection's drizzle instance, a dialect's tables).
 * @example const bumpOf = oncePer((changes: ChangesTable) => prepared((q) => …))
 */
export function oncePer<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = build(key);
      made.set(key, value);
    }
    return value;
  };
}
