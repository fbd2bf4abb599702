/**
 * Migrations written on parallel branches land in any order: a store that already took a later
 * migration (here 0009) must still take an earlier-numbered one that arrived after it (0007), once.
 */
import { afterEach, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type OpenedDatabase } from '../../src/store/open-database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

let opened: OpenedDatabase | undefined;
let dir: string | undefined;
afterEach(async () => {
  await opened?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a store that has 0009 but not 0007 takes 0007 on the next migration, and only it', async () => {
  dir = mkdtempSync(join(tmpdir(), 'dproof-unordered-'));
  opened = openDatabase({ databaseUrl: undefined, dataDir: dir });
  const db = opened.db as unknown as Kysely<unknown>;
  const first = await migrateToLatest(db, opened.dialect);
  const name = first.applied.find((m) => m.startsWith('0007-'));
  assert.ok(name, JSON.stringify(first.applied));
  assert.ok(first.applied.some((m) => m.startsWith('0009-')));

  // As if 0007 had landed after this store took 0009: its table and its record are not there.
  await db.schema.dropTable('verifier_response_keys').execute();
  await sql`DELETE FROM kysely_migration WHERE name = ${name}`.execute(db);

  const again = await migrateToLatest(db, opened.dialect);
  assert.deepEqual(again.applied, [name]);
  await sql`SELECT count(*) FROM verifier_response_keys`.execute(db);
  assert.deepEqual((await migrateToLatest(db, opened.dialect)).applied, []);
});
