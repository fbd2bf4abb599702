/**
 * Issue 14 §9, secrets at rest: purged offer claims leave the store on a timer (no new offer or
 * nonce needed), on both stores; in the SQLite file they are overwritten (secure_delete), not
 * left readable in free space; the data folder is 0700 and the database files 0600, also when
 * they existed with looser modes.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { fixedClock } from '../../src/clock.js';
import { SQLITE_FILE } from '../../src/store/open-database.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';

/** Polls `probe` until it is true or `ms` pass (the purge runs on its own timer). */
async function eventually(probe: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return probe();
}

const claimsLeft = async (t: TestApp): Promise<number> =>
  (await t.runtime.store.db.selectFrom('vci_offers').select('id').where('claims', 'is not', null).execute()).length;

/** An offer whose claims carry a marker found nowhere else. */
async function offerWithMarker(t: TestApp): Promise<string> {
  const marker = `Zq${randomBytes(12).toString('hex')}`;
  const claims = structuredClone(t.runtime.catalog.get('building-register')!.example) as { building_name: string };
  claims.building_name = marker;
  await makeOffer(t, await t.apiKey('issuer'), { type: 'building-register', claims });
  return marker;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

for (const store of storeTargets()) {
  describe(`expired offer claims (${store})`, () => {
    it('are purged by the timer, with no new offer or nonce', async () => {
      const clock = fixedClock(Date.now());
      const t = await startTestApp({ store, clock, env: { PURGE_INTERVAL_MS: '25', OFFER_TTL_SECONDS: '60' } });
      try {
        await offerWithMarker(t);
        await new Promise((r) => setTimeout(r, 100)); // several ticks: nothing has expired yet
        assert.equal(await claimsLeft(t), 1, 'an offer still redeemable keeps its claims');
        clock.advance(61_000);
        assert.ok(await eventually(async () => (await claimsLeft(t)) === 0), 'the timer purged the expired claims');
      } finally {
        await t.close();
      }
    });
  });
}

describe('the SQLite file', () => {
  it('does not keep purged claims readable (secure_delete), in the database or its WAL', async () => {
    const clock = fixedClock(Date.now());
    const t = await startTestApp({ clock, env: { PURGE_INTERVAL_MS: '25', OFFER_TTL_SECONDS: '60' } });
    try {
      const marker = Buffer.from(await offerWithMarker(t));
      const file = join(t.target.dataDir, SQLITE_FILE);
      const bytes = () => Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(t.runtime.store.db);
      assert.ok(bytes().includes(marker), 'the pending claims are in the file (the search can find them)');
      clock.advance(61_000);
      assert.ok(await eventually(async () => (await claimsLeft(t)) === 0));
      const [ckpt] = (await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(t.runtime.store.db)).rows;
      assert.equal(ckpt?.busy, 0, 'the checkpoint completed');
      assert.ok(!bytes().includes(marker), 'purged claims are overwritten, not left in free space');
    } finally {
      await t.close();
    }
  });

  it('lives in a 0700 folder with 0600 files, also when they were made looser before', async () => {
    let t = await startTestApp();
    const dir = t.target.dataDir;
    const files = () => ['', '-wal', '-shm'].map((s) => join(dir, `${SQLITE_FILE}${s}`)).filter(existsSync);
    try {
      assert.equal(modeOf(dir), 0o700);
      assert.ok(files().length >= 2, 'the database and its WAL exist');
      for (const f of files()) assert.equal(modeOf(f), 0o600, f);
      await t.app.close();
      await t.runtime.close();
      chmodSync(dir, 0o755);
      for (const f of files()) chmodSync(f, 0o644);
      // The same folder opened again (a restart after an older version made it 0755 / 0644).
      const again = await startTestApp({ env: { DATA_DIR: dir, KEYS_DIR: t.target.keysDir } });
      try {
        assert.equal(modeOf(dir), 0o700);
        for (const f of files()) assert.equal(modeOf(f), 0o600, f);
      } finally {
        await again.close();
      }
    } finally {
      await t.target.cleanup();
    }
    // A folder that exists, empty and world-readable, before the first start.
    t = await startTestApp();
    try {
      const fresh = join(t.target.dataDir, 'fresh');
      mkdirSync(fresh, { mode: 0o755 });
      chmodSync(fresh, 0o755);
      const other = await startTestApp({ env: { DATA_DIR: fresh, KEYS_DIR: t.target.keysDir } });
      try {
        assert.equal(modeOf(fresh), 0o700);
        assert.equal(modeOf(join(fresh, SQLITE_FILE)), 0o600);
      } finally {
        await other.close();
      }
    } finally {
      await t.close();
    }
  });
});
