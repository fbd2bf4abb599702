/**
 * The back ends a suite runs on: the embedded SQLite store always, PostgreSQL when
 * TEST_DATABASE_URL is set (.ci/run sets it, so there it must run and fail loudly if the
 * server is missing). Each PostgreSQL suite gets its own fresh database, so files can run in parallel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/store.js';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** DATABASE_URL for the server/CLI (undefined = embedded SQLite in dataDir). */
  databaseUrl: string | undefined;
  dataDir: string;
  keysDir: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export const pgAvailable = () => Boolean(process.env.TEST_DATABASE_URL);

async function createPgDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dproof_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function makeStoreTarget(name: 'sqlite' | 'postgres'): Promise<StoreTarget> {
  const dir = mkdtempSync(join(tmpdir(), `dproof-${name}-`));
  const dataDir = join(dir, 'data');
  const keysDir = join(dir, 'keys');
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (name === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    ({ url: databaseUrl, drop } = await createPgDatabase(adminUrl));
  }
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    KEYS_DIR: keysDir,
    LOG_LEVEL: 'silent',
    DPROOF_KEY_PASSPHRASE: 'test-passphrase-not-secret',
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return {
    name,
    databaseUrl,
    dataDir,
    keysDir,
    env,
    cleanup: async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The store targets this run covers: sqlite, plus postgres when TEST_DATABASE_URL is set. */
export const storeTargets = (): ('sqlite' | 'postgres')[] => (pgAvailable() ? ['sqlite', 'postgres'] : ['sqlite']);

/** A store on `name`, migrated, with what closes it and removes its target. */
export async function openMigratedStore(name: 'sqlite' | 'postgres'): Promise<{ store: Store; close(): Promise<void> }> {
  const target = await makeStoreTarget(name);
  const store = openStore({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  await store.migrate();
  return {
    store,
    close: async () => {
      await store.close();
      await target.cleanup();
    },
  };
}
