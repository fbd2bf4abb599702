/**
 * A refused presentation is in its holder's history (issue 19) only when the holder proved it:
 * a revoked credential presented with its holder's KB-JWT leaves a receipt linked to that
 * holder key; the same credential copied and presented with someone else's key leaves a receipt
 * linked to nobody, so no one can write into another holder's history. The same holds for a valid
 * credential: only a KB-JWT that verifies links its receipt (not one under another key, not none,
 * even where the policy does not require holder binding), and a replay of a presentation already
 * shown is linked to nobody either.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  counterChallenge,
  counterOf,
  counterPresent,
  counterVerify,
  generateHolderKey,
  issueViaApi,
  revokeViaApi,
} from '../presentation/helpers.js';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';

for (const backend of storeTargets()) {
  describe(`refused presentations in the holder's history (${backend})`, () => {
    let t: TestApp;
    let verifierKey: string;
    let holder: HolderKey;
    let credential: string;
    let validCredential: string;

    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      const issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      holder = await generateHolderKey();
      const issued = await issueViaApi(t, issuerKey, 'driver-license', holder);
      credential = issued.credential;
      await revokeViaApi(t, issuerKey, issued.id);
      validCredential = (await issueViaApi(t, issuerKey, 'driver-license', holder)).credential;
    });
    afterAll(async () => t?.close());

    /** Presents at the counter (the status list may take a moment to show the revocation) and returns the receipt's holder link. */
    async function refusedReceiptHolder(signer: HolderKey): Promise<string | null> {
      for (let i = 0; i < 30; i++) {
        const { presentation } = await counterPresent(credential, signer, counterOf(t.app, verifierKey), ['age_over_19']);
        const res = await counterVerify(t.app, verifierKey, presentation);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json<{ verdict: string; code: string }>();
        if (body.code === 'credential_revoked') {
          const rows = await t.runtime.store.db
            .selectFrom('verification_receipts')
            .select(['holder_jkt', 'code'])
            .orderBy('at', 'desc')
            .execute();
          assert.equal(rows[0]?.code, 'credential_revoked');
          return rows[0]!.holder_jkt;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the revocation never showed');
    }

    it('links a refused presentation to the holder whose KB-JWT verifies', async () => {
      assert.equal(await refusedReceiptHolder(holder), jwkThumbprint(holder.publicJwk));
    });

    it('links a copied credential presented under another key to nobody', async () => {
      assert.equal(await refusedReceiptHolder(await generateHolderKey()), null);
    });

    /** Verifies at the counter; returns the verdict, code and the holder link of the one receipt it stored. */
    async function verifyAndReadReceipt(presentation: string, policy?: unknown) {
      const ids = async () =>
        new Set((await t.runtime.store.db.selectFrom('verification_receipts').select('id').execute()).map((r) => r.id));
      const before = await ids();
      const res = await counterVerify(t.app, verifierKey, presentation, policy);
      assert.equal(res.statusCode, 200, res.body);
      const added = [...(await ids())].filter((id) => !before.has(id));
      assert.equal(added.length, 1);
      const row = await t.runtime.store.db
        .selectFrom('verification_receipts')
        .select(['holder_jkt', 'verdict', 'code'])
        .where('id', '=', added[0]!)
        .executeTakeFirstOrThrow();
      return row;
    }

    const withoutKbJwt = (presentation: string) => presentation.slice(0, presentation.lastIndexOf('~') + 1);

    it("links a presentation whose KB-JWT verifies to its holder's key", async () => {
      const { presentation } = await counterPresent(validCredential, holder, counterOf(t.app, verifierKey), ['age_over_19']);
      const row = await verifyAndReadReceipt(presentation);
      assert.equal(row.verdict, 'verified');
      assert.equal(row.holder_jkt, jwkThumbprint(holder.publicJwk));
    });

    it('links a replay of a presentation already shown (nonce_reused) to nobody: the first showing is in the history once', async () => {
      const { presentation } = await counterPresent(validCredential, holder, counterOf(t.app, verifierKey), ['age_over_19']);
      assert.equal((await verifyAndReadReceipt(presentation)).holder_jkt, jwkThumbprint(holder.publicJwk));
      for (let i = 0; i < 2; i++) {
        const replay = await verifyAndReadReceipt(presentation);
        assert.equal(replay.code, 'nonce_reused');
        assert.equal(replay.holder_jkt, null);
      }
      // A nonce this counter does not know (never issued, or forgotten once its TTL passed while
      // the KB-JWT is still fresh): refused as nonce_not_issued, linked to nobody either.
      const { aud } = await counterChallenge(counterOf(t.app, verifierKey));
      const unknown = await counterPresent(validCredential, holder, aud, ['age_over_19'], { nonce: 'n'.repeat(22) });
      const row = await verifyAndReadReceipt(unknown.presentation);
      assert.equal(row.code, 'nonce_not_issued');
      assert.equal(row.holder_jkt, null);
    });

    it('links a copy whose KB-JWT is signed by another key to nobody', async () => {
      const { presentation } = await counterPresent(validCredential, await generateHolderKey(), counterOf(t.app, verifierKey), [
        'age_over_19',
      ]);
      const row = await verifyAndReadReceipt(presentation);
      assert.equal(row.verdict, 'rejected');
      assert.equal(row.holder_jkt, null);
    });

    it('links a copy without KB-JWT to nobody, refused where binding is required and verified where it is not', async () => {
      const { presentation } = await counterPresent(validCredential, holder, counterOf(t.app, verifierKey), ['age_over_19']);
      const required = await verifyAndReadReceipt(withoutKbJwt(presentation));
      assert.equal(required.verdict, 'rejected');
      assert.equal(required.holder_jkt, null);
      const optional = await verifyAndReadReceipt(withoutKbJwt(presentation), { require_holder_binding: false });
      assert.equal(optional.verdict, 'verified', optional.code);
      assert.equal(optional.holder_jkt, null);
    });
  });
}
