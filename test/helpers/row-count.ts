/** How many rows a table of the app's store holds (SQLite or PostgreSQL): "stores nothing" checks. */
import type { TestApp } from './test-app.js';
import type { Database } from '../../src/store/schema.js';

export async function rowCount(t: Pick<TestApp, 'runtime'>, table: keyof Database): Promise<number> {
  const row = await t.runtime.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
