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
  const built = new WeakMap<Q, Prepared<R>>();
  return (q, values) => {
    let statement = built.get(q);
    if (statement === undefined) {
      statement = build(q);
      built.set(q, statement);
    }
    return statement.execute(values);
  };
}
