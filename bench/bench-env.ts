/** The server environment every benchmark runs with, and a throwaway PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

export function benchEnv(dir: string, databaseUrl?: string): Record<string, string> {
  return {
    DATA_DIR: join(dir, 'data'),
    KEYS_DIR: join(dir, 'keys'),
    DPROOF_KEY_PASSPHRASE: 'benchmark-passphrase',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The benchmark drives public endpoints (offers, token, nonce) from one address: no per-IP
    // limit, and none per offer or token either, so the hostile mix measures what each hostile
    // request costs when nothing answers it 429 first (the worst case).
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
    RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0',
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
  };
}

/** A new database on BENCH_DATABASE_URL / TEST_DATABASE_URL's server (default: local), dropped by `drop`. */
export async function pgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `dproof_bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}
