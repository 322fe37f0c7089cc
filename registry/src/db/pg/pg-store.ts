import { createStore, type StoreOptions } from '../create-store.ts';
import type { Store } from '../store.ts';
import { openPg } from './connection.ts';

/**
 * The PostgreSQL adapter of the metadata store (drizzle over node-postgres). Any number of
 * registry processes may share one database: bundle writes take one advisory transaction lock,
 * the way SQLite serialises its writers, and the unique keys stay the final arbiters.
 * `schema` puts the tables in their own schema (created if missing): tests use it.
 * @example const store = await createPgStore({ url: 'postgres://postgres@127.0.0.1:5432/registry' })
 */
export async function createPgStore(
  options: {
    url: string;
    schema?: string;
    maxConnections?: number;
  } & StoreOptions,
): Promise<Store> {
  return createStore(
    await openPg({
      url: options.url,
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.maxConnections ? { max: options.maxConnections } : {}),
    }),
    options,
  );
}
