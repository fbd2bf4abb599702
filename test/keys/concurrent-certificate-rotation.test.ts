/**
 * Rotations of the certificate rows (IACA, document signer, issuer CA) and of the OpenID4VCI
 * request-encryption key run by two operators (or two nodes) at once: each goes through or is
 * refused with key_state_changed (409), never a raw unique violation (a 500), and exactly one row
 * is active afterwards. On PostgreSQL the rotations really overlap (READ COMMITTED, a pool of
 * connections); on SQLite they take the write lock in turn and all go through.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeDocumentSigner, makeIaca, MDOC_DS_ALG, MDOC_IACA_ALG } from '../../src/keys/manage-mdoc-keys.js';
import { makeIssuerCa } from '../../src/keys/manage-issuer-certificates.js';
import { ISSUER_CA_ALG } from '../../src/keys/mdoc-key-rows.js';
import { rotateRequestKey } from '../../src/issuance/request-encryption/request-encryption-keys.js';
import { isAppError } from '../../src/errors.js';

const AT_ONCE = 6;
const ROUNDS = 4;

for (const backend of storeTargets()) {
  describe(`certificate and request-key rotations at once (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ store: backend });
    });
    afterAll(async () => t?.close());

    const deps = () => ({ store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.clock, actor: 'test' });
    const subject = (cn: string) => ({ country: 'KR', commonName: cn, uri: 'https://issuer.example' });

    /** Runs the rotations at once; each must go through or be a 409 key_state_changed. Returns how many went through. */
    const atOnce = async (rotate: () => Promise<unknown>) => {
      const outcomes = await Promise.allSettled(Array.from({ length: AT_ONCE }, rotate));
      for (const o of outcomes) {
        if (o.status === 'fulfilled') continue;
        assert.ok(isAppError(o.reason), `a rotation failed with ${String(o.reason)}`);
        assert.equal(o.reason.code, 'key_state_changed');
        assert.equal(o.reason.status, 409);
      }
      const done = outcomes.filter((o) => o.status === 'fulfilled').length;
      assert.ok(done >= 1, 'at least one rotation went through');
      return done;
    };
    const activeOf = async (alg: string) => (await t.runtime.store.keys.list()).filter((k) => k.alg === alg && k.state === 'active');

    for (const [name, alg, rotate] of [
      ['IACA roots', MDOC_IACA_ALG, () => makeIaca(deps(), subject('test IACA'))],
      ['document signers', MDOC_DS_ALG, () => makeDocumentSigner(deps(), subject('test DS'))],
      ['issuer CAs', ISSUER_CA_ALG, () => makeIssuerCa(deps(), subject('test issuer CA'))],
    ] as const) {
      it(`${AT_ONCE} ${name} made at once leave one active, each refusal a 409 key_state_changed`, async () => {
        // A document signer needs an active IACA.
        if (alg === MDOC_DS_ALG && (await activeOf(MDOC_IACA_ALG)).length === 0) await makeIaca(deps(), subject('test IACA'));
        for (let round = 0; round < ROUNDS; round++) {
          const before = (await t.runtime.store.keys.list()).filter((k) => k.alg === alg).length;
          const done = await atOnce(rotate);
          assert.equal((await activeOf(alg)).length, 1, `round ${round}: one active ${alg}`);
          // A refused rotation left no row.
          assert.equal((await t.runtime.store.keys.list()).filter((k) => k.alg === alg).length, before + done, `round ${round}`);
        }
      });
    }

    it(`${AT_ONCE} request-encryption key rotations at once leave one active key, each refusal a 409 key_state_changed`, async () => {
      const rdeps = { store: t.runtime.store, config: t.config, clock: t.clock };
      for (let round = 0; round < ROUNDS; round++) {
        const before = (await t.runtime.store.vciRequestKeys.list()).length;
        const done = await atOnce(() => rotateRequestKey(rdeps));
        const rows = await t.runtime.store.vciRequestKeys.list();
        assert.equal(rows.filter((r) => r.state === 'active').length, 1, `round ${round}: one active key`);
        // Within the grace period nothing is purged: one new row per rotation that went through.
        assert.equal(rows.length, before + done, `round ${round}`);
      }
    });
  });
}
