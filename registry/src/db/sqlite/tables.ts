import type { Tables } from '../dialect.ts';
import * as schema from './schema.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True when every shared table's SQLite rows (read and written) have the PostgreSQL shapes. */
type RowsAgree = {
  [K in keyof Tables]: Same<(typeof schema)[K]['$inferSelect'], Tables[K]['$inferSelect']> extends true
    ? Same<(typeof schema)[K]['$inferInsert'], Tables[K]['$inferInsert']>
    : false;
}[keyof Tables];

/** Does not compile while a SQLite table's rows differ from its PostgreSQL twin's. */
const rowsAgree: RowsAgree extends true ? true : never = true;

/**
 * The SQLite tables as the shared rules see them (typed with the PostgreSQL tables; see
 * `Tables`). Sound because the row shapes agree (`rowsAgree`) and the rules use only the query
 * builder calls both dialects' drizzle builders have; the store contract proves the behaviour.
 */
export const sqliteTables = (rowsAgree && schema) as unknown as Tables;
