/**
 * The database goes away under a running server and comes back: every request that needs it
 * gets 503 with Retry-After and a stable code (problem+json `store_unavailable`, or OAuth
 * `temporarily_unavailable` on the OpenID4VCI endpoints), /readyz goes red, nothing single-use
 * is left half-consumed, and the same process serves again once the database is back.
 *
 * PostgreSQL: the server reaches the shared cluster through a TCP proxy this test cuts (open
 * connections reset, new ones refused: what a stopped server looks like), so other suites on
 * the same cluster are not disturbed. SQLite: another connection holds the write lock
 * (BEGIN EXCLUSIVE). Making the file unwritable is not possible for a running server here: the
 * tests run as root (permission bits do not apply) and a read-only remount is refused while
 * the server has the file open for writing; a held lock is what "cannot write" looks like to it.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { makeStoreTarget, storeTargets, type StoreTarget } from '../helpers/stores.js';
import { runDproof, spawnServer } from '../helpers/spawn-server.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { holderKey } from '../openid4vci/vci-helpers.js';
import { createOfferOver, credentialOver, get, nonceOver, postJson, tokenOver, type HttpAnswer } from '../helpers/vci-over-http.js';
import { hashSecret } from '../../src/issuance/vci-secrets.js';
import { SQLITE_FILE } from '../../src/store/open-database.js';

interface Outage {
  env: Record<string, string>;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Reads rows while the service cannot (the lock holder / the real database). */
  rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function pgOutage(target: StoreTarget): Promise<Outage> {
  const real = new URL(target.databaseUrl as string);
  const proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
  const via = new URL(real);
  via.port = String(proxy.port);
  const client = new pg.Client({ connectionString: real.toString() });
  await client.connect();
  return {
    env: { ...target.env, DATABASE_URL: via.toString() },
    cut: proxy.cut,
    restore: proxy.restore,
    rows: async (sql, params) => {
      let i = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++i}`),
          params,
        )
      ).rows as Record<string, unknown>[];
    },
    close: async () => {
      await client.end();
      await proxy.close();
    },
  };
}

async function sqliteOutage(target: StoreTarget): Promise<Outage> {
  let locker: BetterSqlite3.Database | undefined;
  const open = () => (locker ??= new BetterSqlite3(join(target.dataDir, SQLITE_FILE), { timeout: 5000 }));
  return {
    env: target.env,
    cut: async () => {
      open().exec('BEGIN EXCLUSIVE');
    },
    restore: async () => {
      open().exec('ROLLBACK');
    },
    rows: async (sql, params) =>
      open()
        .prepare(sql)
        .all(...params) as Record<string, unknown>[],
    close: async () => {
      if (locker?.inTransaction) locker.exec('ROLLBACK');
      locker?.close();
    },
  };
}

function assertUnavailable(r: HttpAnswer, shape: 'problem' | 'oauth', what: string): void {
  assert.equal(r.status, 503, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.match(r.headers.get('retry-after') ?? '', /^\d+$/, `${what}: Retry-After`);
  if (shape === 'oauth') {
    assert.equal(r.body.error, 'temporarily_unavailable', what);
    assert.equal(r.headers.get('cache-control'), 'no-store', what);
  } else {
    assert.equal(r.body.code, 'store_unavailable', what);
    assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8', what);
  }
}

for (const backend of storeTargets()) {
  it(`answers 503 with Retry-After while the database is down and recovers without a restart, leaving nothing half-consumed (${backend})`, async () => {
    const target = await makeStoreTarget(backend);
    const outage = backend === 'postgres' ? await pgOutage(target) : await sqliteOutage(target);
    // SQLite: each refused write waits out the lock timeout; 1 s instead of the default 5 s.
    const server = await spawnServer({ ...outage.env, LOG_LEVEL: 'error', STORE_LOCK_TIMEOUT_MS: '1000' });
    const issuer = `http://localhost:${server.port}`; // PUBLIC_URL default: the proofs' aud
    try {
      const { apiKey } = JSON.parse(
        (await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'outage', '--rate-limit', '0', '--json'], target.env)).stdout,
      ) as { apiKey: string };
      const types = (await get(`${server.url}/v1/credential-types`)).body as unknown as { id: string; example: object }[];
      const type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };

      // Before the outage: an offer whose code is not redeemed yet, and one redeemed with a c_nonce ready.
      const unredeemed = await createOfferOver(server.url, apiKey, type);
      const redeemed = await createOfferOver(server.url, apiKey, type);
      const token = (await tokenOver(server.url, redeemed.code)).body.access_token as string;
      assert.ok(token);
      const cNonce = (await nonceOver(server.url)).body.c_nonce as string;
      assert.ok(cNonce);
      const holder = holderKey();
      const pid = server.proc.pid;

      // PostgreSQL: cut while requests hold pooled connections (a dead checked-out client must not
      // take the process down); each answers 201 or 503, none loses its connection.
      const inFlight =
        backend === 'postgres'
          ? Array.from({ length: 12 }, () =>
              postJson(`${server.url}/v1/credentials`, { type: type.id, claims: type.example }, apiKey).then(
                (r) => r.status,
                (e: Error) => e.message,
              ),
            )
          : [];
      await new Promise((r) => setTimeout(r, backend === 'postgres' ? 15 : 0));
      await outage.cut();
      for (const status of await Promise.all(inFlight))
        assert.ok(status === 201 || status === 503, `in flight at the cut: ${status}\n${server.output().slice(-2000)}`);
      const t0 = Date.now();
      assertUnavailable(
        await postJson(`${server.url}/v1/credentials`, { type: type.id, claims: type.example }, apiKey),
        'problem',
        'issuance',
      );
      assertUnavailable(await tokenOver(server.url, unredeemed.code), 'oauth', 'token endpoint');
      assertUnavailable(await credentialOver(server.url, issuer, token, type.id, holder, cNonce), 'oauth', 'credential endpoint');
      // The nonce endpoint needs no store (src/issuance/c-nonce.ts): it keeps answering.
      assert.equal((await nonceOver(server.url)).status, 200, 'nonce endpoint during the outage');
      const ready = await get(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(ready.body.code, 'not_ready');
      assert.match(ready.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal((await get(`${server.url}/healthz`)).status, 200, 'the process itself is alive');
      const outageMs = Date.now() - t0;

      // Nothing half-consumed: the code is still unredeemed with no access token, the c_nonce
      // unused, the redeemed offer not issued and its claims still there.
      const [u] = await outage.rows('SELECT redeemed_at, burned_at, tx_attempts FROM vci_offers WHERE id = ?', [unredeemed.id]);
      assert.deepEqual({ ...u, tx_attempts: Number(u?.tx_attempts) }, { redeemed_at: null, burned_at: null, tx_attempts: 0 });
      assert.equal((await outage.rows('SELECT token_hash FROM vci_access_tokens WHERE offer_id = ?', [unredeemed.id])).length, 0);
      // (A c_nonce is recorded only when a credential request uses it: no row yet.)
      assert.equal((await outage.rows('SELECT consumed_at FROM vci_nonces WHERE nonce_hash = ?', [hashSecret(cNonce)])).length, 0);
      const [o] = await outage.rows('SELECT issued_at, claims IS NOT NULL AS has_claims FROM vci_offers WHERE id = ?', [redeemed.id]);
      assert.equal(o?.issued_at, null);
      assert.ok(o?.has_claims === true || o?.has_claims === 1);

      await outage.restore();
      const recoveryMs = await waitUntil(
        '/readyz not green within 20 s of the database coming back',
        async () => (await get(`${server.url}/readyz`)).status === 200,
        20_000,
        100,
      );

      // The same process, and every interrupted step now succeeds with what the wallet already had.
      assert.equal(server.proc.pid, pid);
      assert.equal(server.proc.exitCode, null);
      const tokenAfter = await tokenOver(server.url, unredeemed.code);
      assert.equal(tokenAfter.status, 200, JSON.stringify(tokenAfter.body));
      const issued = await credentialOver(server.url, issuer, token, type.id, holder, cNonce);
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      assert.equal((issued.body.credentials as unknown[]).length, 1);
      assert.equal((await postJson(`${server.url}/v1/credentials`, { type: type.id, claims: type.example }, apiKey)).status, 201);
      assert.equal((await nonceOver(server.url)).status, 200);
      const [after] = await outage.rows('SELECT consumed_at FROM vci_nonces WHERE nonce_hash = ?', [hashSecret(cNonce)]);
      assert.notEqual(after?.consumed_at, null);
      console.log(`# ${backend}: outage answers took ${outageMs} ms, ready again ${recoveryMs} ms after the database came back`);
    } finally {
      await server.stop();
      await outage.close();
      await target.cleanup();
    }
  });
}
