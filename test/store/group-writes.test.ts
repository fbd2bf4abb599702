/**
 * The group-committed writes (credential inserts, consumed nonces, receipts): on SQLite they run
 * in the writer thread, on PostgreSQL in a pooled transaction. The same suite on both: who wins
 * a contested slot or nonce, that an answer means the row is there, that one bad row in a batch
 * does not fail its neighbours, and that store errors keep their codes across the thread.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openStore, type Store } from '../../src/store/store.js';
import type { CredentialRecord } from '../../src/store/repositories/credentials-repo.js';
import type { ReceiptRecord } from '../../src/store/repositories/receipts-repo.js';
import { isStoreUnavailable } from '../../src/store/classify-store-error.js';
import { receiptRecord } from '../helpers/receipt-record.js';
import { makeStoreTarget, openMigratedStore, storeTargets } from '../helpers/stores.js';
import { SqliteWriter } from '../../src/store/sqlite-writer.js';
import { SQLITE_FILE } from '../../src/store/open-database.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../src/store/lock-timeout.js';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { offerRow } from '../helpers/offer-row.js';

const credential = (list: string, idx: number): CredentialRecord => ({
  id: randomUUID(),
  type: 'civil-servant-id',
  format: 'dc+sd-jwt',
  status_list: list,
  status_idx: idx,
  status: 0,
  kid: 'kid-1',
  holder_jkt: null,
  client_id: 'c0000000000000001',
  issued_at: 1_700_000_000_000,
  expires_at: 1_800_000_000_000,
  credential_hash: 'h',
  status_changed_at: null,
  notification_id: null,
});

const receipt = (id: string): ReceiptRecord =>
  receiptRecord({
    id,
    client_id: 'c0000000000000002',
    verifier_name: 'Bank A',
    credential_type: 'resident-id',
    issuer: 'https://issuer.example',
    at: 1_700_000_000_000,
  });

for (const backend of storeTargets()) {
  describe(`group-committed writes on ${backend}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    const list = 'list0000000000001';
    beforeAll(async () => {
      ({ store, close } = await openMigratedStore(backend));
      await store.statusLists.create({ id: list, bits: 2, size: 1024, created_at: 1 });
    });
    afterAll(() => close());

    it('gives a contested status slot to exactly one credential, and an answered insert is readable at once', async () => {
      const contenders = Array.from({ length: 6 }, () => credential(list, 7));
      const others = Array.from({ length: 20 }, (_, i) => credential(list, 100 + i));
      const results = await Promise.all([...contenders, ...others].map((c) => store.credentials.insertInSlot(c)));
      assert.equal(results.slice(0, 6).filter(Boolean).length, 1, 'one winner for slot 7');
      assert.ok(results.slice(6).every(Boolean), 'uncontested slots all succeed in the same batch');
      const winner = contenders[results.indexOf(true)] as CredentialRecord;
      assert.deepEqual(await store.credentials.get(winner.id), winner);
      for (const [i, c] of contenders.entries()) if (!results[i]) assert.equal(await store.credentials.get(c.id), undefined);
    });

    it('consumes a nonce once, also when the same nonce arrives twice in one batch', async () => {
      const hash = `n-${randomUUID()}`;
      const both = await Promise.all([
        store.nonces.consume(hash, 'kb', 2_000_000_000_000),
        store.nonces.consume(hash, 'kb', 2_000_000_000_000),
      ]);
      assert.deepEqual(both.sort(), [false, true]);
      assert.equal(await store.nonces.consume(hash, 'kb', 2_000_000_000_000), false);
      assert.equal(await store.nonces.consume(`n-${randomUUID()}`, 'kb', 2_000_000_000_000), true);
    });

    it('fails only the bad row of a batch, with the store error code kept (not "unavailable")', async () => {
      const first = receipt(randomUUID());
      await store.receipts.insert(first);
      const fresh = receipt(randomUUID());
      const [dup, ok] = await Promise.allSettled([store.receipts.insert({ ...first }), store.receipts.insert(fresh)]);
      assert.equal(ok.status, 'fulfilled');
      assert.equal(dup.status, 'rejected');
      const err = (dup as PromiseRejectedResult).reason as { code?: string };
      assert.match(String(err.code), backend === 'sqlite' ? /^SQLITE_CONSTRAINT/ : /^23505$/);
      assert.equal(isStoreUnavailable(err), false, 'a constraint error is a bug to report, not an outage');
      assert.deepEqual(await store.receipts.get(fresh.id), fresh);
    });

    it('undoes a unit whose guard fails as a whole, and only that unit, in a shared batch', async () => {
      const now = 1_700_000_100_000;
      const offer = async (id: string) => {
        await store.vci.insertOffer(
          offerRow(id, now, now + 600_000, {
            ref_hash: `r-${id}`,
            code_hash: `c-${id}`,
            client_id: 'c0000000000000001',
            type: 'civil-servant-id',
            configuration_id: 'civil-servant-id',
          }),
        );
        assert.equal(await store.vci.redeem(id, now, { hash: `t-${id}`, expiresAt: now + 300_000 }), true);
      };
      await offer('offer-a');
      await offer('offer-b');
      // The credential endpoint's unit (vci-issuance-repo.ts): c_nonces are recorded when used, so
      // a used one is a row already there.
      const consume = (offerId: string, hashes: string[], at: number) =>
        store.vciIssuance.consumeConfiguration({
          offerId,
          configurationId: 'civil-servant-id',
          covered: 1,
          nonces: hashes.map((hash) => ({ hash, expiresAt: now + 300_000 })),
          now: at,
          tokenHash: `t-${offerId}`,
          grantVersion: now + 300_000,
        });
      await store.db
        .insertInto('vci_nonces')
        .values({ nonce_hash: 'nb-used', created_at: now, expires_at: now + 300_000, consumed_at: now })
        .execute();
      // b names a used nonce beside nb1: its unit fails on the nonce guard and must record neither.
      const [a, b] = await Promise.all([consume('offer-a', ['na1', 'na2'], now + 1), consume('offer-b', ['nb1', 'nb-used'], now + 1)]);
      assert.deepEqual(a, { ok: true });
      assert.deepEqual(b, { ok: false, reason: 'nonce' });
      const rows = await store.db
        .selectFrom('vci_nonces')
        .select(['nonce_hash', 'consumed_at'])
        .where('nonce_hash', 'in', ['na1', 'na2', 'nb1'])
        .orderBy('nonce_hash')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.nonce_hash, r.consumed_at === null ? null : Number(r.consumed_at)]),
        [
          ['na1', now + 1],
          ['na2', now + 1],
        ],
        'b recorded no nonce',
      );
      const offerB = await store.vci.offer('offer-b');
      assert.equal(offerB?.issued_at, null);
      assert.equal(offerB?.claims, '{"id":"offer-b"}', 'b still holds its claims');
      // No configuration of b was recorded as issued or deferred (vci_offer_issuances).
      assert.deepEqual(
        await store.db.selectFrom('vci_offer_issuances').select('configuration_id').where('offer_id', '=', 'offer-b').execute(),
        [],
      );
      // The same offer twice at once: one issuance, the other refused.
      const twice = await Promise.all([consume('offer-b', ['nb2'], now + 2), consume('offer-b', ['nb3'], now + 2)]);
      // The loser is told "used" (the claims were gone when it read them) or, when it read them
      // before the winner committed (PostgreSQL, separate transactions), "issued" (its issuance row
      // lost the unique key): the credential endpoint answers both alike for a one-configuration offer.
      assert.equal(twice.filter((t) => t.ok).length, 1);
      assert.ok(
        twice.every((t) => t.ok || t.reason === 'used' || t.reason === 'issued'),
        JSON.stringify(twice),
      );
      const loser = twice.findIndex((t) => !t.ok);
      const spared = await store.db
        .selectFrom('vci_nonces')
        .select('consumed_at')
        .where('nonce_hash', '=', loser === 0 ? 'nb2' : 'nb3')
        .executeTakeFirst();
      assert.equal(spared, undefined, 'the losing request did not spend its nonce');
      // An offer of one configuration is consumed on its own row: issued, claims gone, no issuance row.
      const issuedB = await store.vci.offer('offer-b');
      assert.equal(Number(issuedB?.issued_at), now + 2);
      assert.equal(issuedB?.claims, null);
      const issuanceRows = await store.db.selectFrom('vci_offer_issuances').select('offer_id').execute();
      assert.deepEqual(issuanceRows, []);
    });
  });
}

/** A fresh embedded store and a writer thread of its own on the same file, for the test's length. */
async function withWriter(
  run: (store: Store, writer: SqliteWriter, insert: (hash: string) => CompiledQuery, file: string) => Promise<void>,
  busyTimeoutMs?: number,
): Promise<void> {
  const target = await makeStoreTarget('sqlite');
  const store = openStore({ databaseUrl: undefined, dataDir: target.dataDir });
  try {
    await store.migrate();
    const file = join(target.dataDir, SQLITE_FILE);
    const writer = new SqliteWriter(file, busyTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    const insert = (hash: string) =>
      store.db.insertInto('consumed_nonces').values({ nonce_hash: hash, kind: 'kb', expires_at: 2_000_000_000_000 }).compile();
    await run(store, writer, insert, file);
  } finally {
    await store.close();
    await target.cleanup();
  }
}

describe('the SQLite writer thread', () => {
  it('answers a write cut off by a dying thread as a store fault (503) and starts a new thread for the next', () =>
    withWriter(async (store, writer, insert) => {
      assert.deepEqual(await writer.write([[{ query: insert('w1') }]]), [{ ok: true, changed: [1], rows: [[]] }]);
      // Kill the thread while a write is in flight (the field is private: this is the fault itself).
      const inFlight = writer.write([[{ query: insert('w2') }]]).then(
        () => 'committed',
        (e: { code?: string }) => e.code,
      );
      await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const outcome = await inFlight;
      assert.ok(outcome === 'committed' || outcome === 'SQLITE_IOERR_WRITER', String(outcome));
      if (outcome !== 'committed') assert.equal(isStoreUnavailable({ code: outcome }), true, 'answered 503, not 500');
      assert.deepEqual(await writer.write([[{ query: insert('w3') }]]), [{ ok: true, changed: [1], rows: [[]] }], 'a new thread writes');
      await writer.close();
      const rows = (
        await store.db.selectFrom('consumed_nonces').select('nonce_hash').where('nonce_hash', 'in', ['w1', 'w2', 'w3']).execute()
      )
        .map((r) => r.nonce_hash)
        .sort();
      // A thread killed between its COMMIT and its reply leaves w2 committed behind an error: the
      // caller cannot know (as with a connection lost after COMMIT), which is why the error is a
      // 503 to retry and not a refusal. A reported commit must be there; w1 and w3 always are.
      if (outcome === 'committed') assert.deepEqual(rows, ['w1', 'w2', 'w3']);
      else assert.ok(['w1,w3', 'w1,w2,w3'].includes(rows.join(',')), rows.join(','));
    }));

  it("runs with the settings of every connection, and keeps its temp data (savepoints' journals) in memory", () =>
    withWriter(async (_store, writer) => {
      const pragma = async (name: string) => {
        const [outcome] = await writer.write([[{ query: CompiledQuery.raw(`PRAGMA ${name}`) }]]);
        assert.ok(outcome?.ok, name);
        return Object.values((outcome.rows[0]?.[0] ?? {}) as Record<string, unknown>)[0];
      };
      // 2 = MEMORY (https://www.sqlite.org/pragma.html#pragma_temp_store); the main connection keeps files.
      assert.equal(await pragma('temp_store'), 2);
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('synchronous'), 2, 'FULL: an acknowledged write is on disk');
      await writer.close();
    }));

  it('commits batches queued behind each other together, and a failing batch fails alone', () =>
    withWriter(async (store, writer, insert) => {
      // A new writer has no thread yet: all these batches are queued before it reads the first,
      // so it takes them into one transaction — which the second 'dup' insert makes fail.
      const hashes = ['dup', ...Array.from({ length: 8 }, (_, i) => `q${i}`), 'dup', ...Array.from({ length: 8 }, (_, i) => `r${i}`)];
      const outcomes = await Promise.allSettled(hashes.map((h) => writer.write([[{ query: insert(h) }]])));
      await writer.close();
      outcomes.forEach((o, i) => {
        if (i === 9) {
          assert.equal(o.status, 'rejected', 'the second insert of the same key fails');
          assert.match(String(((o as PromiseRejectedResult).reason as { code?: string }).code), /^SQLITE_CONSTRAINT/);
        } else assert.deepEqual(o.status === 'fulfilled' && o.value, [{ ok: true, changed: [1], rows: [[]] }], `batch ${i}`);
      });
      const rows = await store.db.selectFrom('consumed_nonces').select('nonce_hash').execute();
      assert.deepEqual(rows.map((r) => r.nonce_hash).sort(), [...new Set(hashes)].sort());
    }));

  // The writer's busy timeout is 2.5 s here (STORE_LOCK_TIMEOUT_MS in a server), not the default 5 s.
  const BUSY_MS = 2500;
  it('fails queued batches together, after one busy timeout, while another connection holds the lock', () =>
    withWriter(async (_store, writer, insert, file) => {
      const locker = new BetterSqlite3(file, { timeout: DEFAULT_LOCK_TIMEOUT_MS });
      try {
        locker.exec('BEGIN EXCLUSIVE');
        const t0 = Date.now();
        // Queued before the new thread reads the first: one merged transaction that cannot start.
        const outcomes = await Promise.allSettled(['l1', 'l2', 'l3', 'l4'].map((h) => writer.write([[{ query: insert(h) }]])));
        const elapsed = Date.now() - t0;
        for (const o of outcomes) {
          assert.equal(o.status, 'rejected');
          assert.match(String(((o as PromiseRejectedResult).reason as { code?: string }).code), /^SQLITE_BUSY/);
        }
        // One wait of the thread's own timeout for all four (two in a row would be 5 s, one per batch 10 s).
        assert.ok(elapsed >= BUSY_MS - 250, `answered after ${elapsed} ms, before the busy timeout`);
        assert.ok(elapsed < 1.8 * BUSY_MS, `all answered after ${elapsed} ms, not one timeout per batch`);
      } finally {
        if (locker.inTransaction) locker.exec('ROLLBACK');
        locker.close();
        await writer.close();
      }
    }, BUSY_MS));

  it('refuses writes pending at close, and a reopened store writes again', async () => {
    const target = await makeStoreTarget('sqlite');
    try {
      const store = openStore({ databaseUrl: undefined, dataDir: target.dataDir });
      await store.migrate();
      assert.equal(await store.nonces.consume('first', 'kb', 2_000_000_000_000), true);
      // Either it commits before the close or it is refused: never left hanging.
      const pending = store.nonces.consume('second', 'kb', 2_000_000_000_000).then(
        () => 'committed',
        () => 'refused',
      );
      await store.close();
      const outcome = await pending;
      const again = openStore({ databaseUrl: undefined, dataDir: target.dataDir });
      try {
        assert.equal(await again.nonces.consume('first', 'kb', 2_000_000_000_000), false, 'the first write survived');
        assert.equal(await again.nonces.consume('second', 'kb', 2_000_000_000_000), outcome === 'refused', `second was ${outcome}`);
      } finally {
        await again.close();
      }
    } finally {
      await target.cleanup();
    }
  });
});
