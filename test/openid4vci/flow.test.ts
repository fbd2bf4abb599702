import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { verifySdJwtVc } from '../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { receiveCredentials } from '../../src/wallet/receive-credentials.js';
import { createWalletKey } from '../../src/wallet/create-wallet-key.js';
import type { Wallet } from '../../src/wallet/wallet-file.js';
import { accessToken, credentialRequest, holderKey, makeOffer, nonce, proof, fetchOffer } from './vci-helpers.js';

const emptyWallet = async (): Promise<Wallet> => ({
  version: 1,
  created_at: new Date().toISOString(),
  keys: [await createWalletKey(new Date())],
  credentials: [],
});

for (const backend of storeTargets()) {
  describe(`OpenID4VCI issuance on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', BATCH_SIZE: '4' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const verify = (sdJwt: string) =>
      verifySdJwtVc(sdJwt, {
        resolveIssuerKey: ({ kid }) => {
          const k = t.runtime.keys.verificationKey(kid ?? '');
          return k && { jwk: k.jwk, alg: k.alg };
        },
        clock: t.runtime.clock,
        skewSeconds: 60,
      });

    it('publishes issuer metadata generated from the catalogue, and authorization server metadata', async () => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
      assert.equal(m.credential_issuer, t.config.publicUrl);
      assert.equal(m.credential_endpoint, `${t.config.publicUrl}/openid4vci/credential`);
      assert.equal(m.nonce_endpoint, `${t.config.publicUrl}/openid4vci/nonce`);
      assert.deepEqual(m.batch_credential_issuance, { batch_size: 4 });
      assert.deepEqual(
        m.display.map((d: { locale: string }) => d.locale),
        ['ko-KR', 'en-US'],
      );
      for (const type of t.runtime.catalog.types) {
        const c = m.credential_configurations_supported[type.id];
        assert.equal(c.format, 'dc+sd-jwt');
        assert.equal(c.vct, type.vct);
        assert.deepEqual(c.cryptographic_binding_methods_supported, ['jwk']);
        assert.deepEqual(c.credential_signing_alg_values_supported, ['ES256']);
        assert.deepEqual(c.proof_types_supported.jwt.proof_signing_alg_values_supported, ['ES256', 'EdDSA']);
        assert.equal(c.credential_metadata.display[0].name, type.name.ko);
        assert.ok(c.credential_metadata.claims.length > 0);
        const v = m.credential_configurations_supported[`${type.id}-vc-jwt`];
        assert.equal(v.format, 'jwt_vc_json');
        assert.equal(v.cryptographic_binding_methods_supported, undefined);
      }
      const as = (await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
      assert.equal(as.issuer, t.config.publicUrl);
      assert.equal(as.token_endpoint, `${t.config.publicUrl}/oauth/token`);
      assert.equal(as['pre-authorized_grant_anonymous_access_supported'], true);
    });

    it('creates an offer whose link carries the offer by reference, with QR codes of that link', async () => {
      const type = t.runtime.catalog.get('resident-id');
      assert.ok(type);
      const o = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example, tx_code: true });
      assert.match(o.offer, /^openid-credential-offer:\/\/\?credential_offer_uri=/);
      assert.ok(o.offer.length < 200, `offer link is ${o.offer.length} chars`);
      assert.match(o.tx_code ?? '', /^\d{6}$/);
      const offer = (await fetchOffer(t, o)).json();
      assert.equal(offer.credential_issuer, t.config.publicUrl);
      assert.deepEqual(offer.credential_configuration_ids, ['resident-id']);
      assert.deepEqual(offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'].tx_code, {
        input_mode: 'numeric',
        length: 6,
        description: 'Enter the code the issuing office sent you separately.',
      });
      const svg = await fetch(o.qr_svg);
      assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
      assert.match(await svg.text(), /^<svg/);
      const png = Buffer.from(await (await fetch(o.qr_png)).arrayBuffer());
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    });

    it('takes a fresh offer to a stored, verified credential with our wallet (tx_code), and the offer is then used up', async () => {
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const before = await t.runtime.store.credentials.count();
      const o = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example, tx_code: true });
      const { wallet, received } = await receiveCredentials(await emptyWallet(), { offerLink: o.offer, txCode: o.tx_code });
      assert.equal(received.length, 1);
      assert.equal(wallet.credentials.length, 1);
      const v = await verify(received[0]?.credential ?? '');
      assert.equal(v.payload.vct, type.vct);
      assert.equal(await calculateJwkThumbprint((v.payload.cnf as { jwk: JWK }).jwk), wallet.keys[0]?.kid);
      assert.equal(await t.runtime.store.credentials.count(), before + 1);
      // Single use: the offer is gone and its claims left the store.
      assert.equal((await fetchOffer(t, o)).statusCode, 404);
      const row = await t.runtime.store.db.selectFrom('vci_offers').selectAll().where('id', '=', o.id).executeTakeFirstOrThrow();
      assert.equal(row.claims, null);
      assert.notEqual(row.issued_at, null);
      await assert.rejects(receiveCredentials(wallet, { offerLink: o.offer, txCode: o.tx_code }), /offer_not_found/);
      assert.equal(await t.runtime.store.credentials.count(), before + 1);
    });

    it('issues a batch: N proofs give N credentials with distinct keys, salts and random status indices', async () => {
      const type = t.runtime.catalog.get('resident-id');
      assert.ok(type);
      const o = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example });
      const token = await accessToken(t, o);
      const c = await nonce(t);
      const keys = [holderKey(), holderKey('Ed25519'), holderKey(), holderKey()];
      const before = await t.runtime.store.credentials.count();
      const res = await credentialRequest(t, token, {
        credential_configuration_id: 'resident-id',
        proofs: { jwt: await Promise.all(keys.map((k) => proof(k, { aud: t.config.publicUrl, nonce: c }))) },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const creds = (res.json() as { credentials: { credential: string }[] }).credentials.map((x) => x.credential);
      assert.equal(creds.length, 4);
      const verified = await Promise.all(creds.map(verify));
      const cnfs = await Promise.all(verified.map((v) => calculateJwkThumbprint((v.payload.cnf as { jwk: JWK }).jwk)));
      assert.deepEqual(cnfs, await Promise.all(keys.map((k) => calculateJwkThumbprint(k.jwk))));
      const salts = creds.flatMap((s) =>
        parseSdJwt(s).disclosures.map((d) => (JSON.parse(Buffer.from(d, 'base64url').toString()) as string[])[0]),
      );
      assert.equal(new Set(salts).size, salts.length);
      const idx = verified.map((v) => (v.payload.status as { status_list: { idx: number } }).status_list.idx);
      assert.equal(new Set(idx).size, 4);
      assert.ok(
        idx.some((x, i) => i > 0 && Math.abs(x - (idx[i - 1] as number)) !== 1),
        `indices look sequential: ${idx.join(',')}`,
      );
      assert.equal(await t.runtime.store.credentials.count(), before + 4);
      for (const v of verified) assert.deepEqual(Object.keys(v.payload).includes('family_name'), true);
    });

    it('issues a VC-JWT configuration without proofs, on behalf of the issuer client that made the offer', async () => {
      const type = t.runtime.catalog.get('local-tax-payment');
      assert.ok(type);
      const o = await makeOffer(t, issuerKey, { type: 'local-tax-payment', claims: type.example, format: 'vc+jwt' });
      const offer = (await fetchOffer(t, o)).json();
      assert.deepEqual(offer.credential_configuration_ids, ['local-tax-payment-vc-jwt']);
      const { received } = await receiveCredentials(await emptyWallet(), { offerLink: o.offer });
      assert.equal(received.length, 1);
      assert.equal(received[0]?.format, 'jwt_vc_json');
      const rows = await t.runtime.store.credentials.list({ type: 'local-tax-payment', limit: 1 });
      const client = (await t.runtime.store.clients.list()).find((c) => c.role === 'issuer');
      assert.equal(rows[0]?.client_id, client?.id);
    });
  });
}
