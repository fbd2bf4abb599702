/**
 * Key attestations in jwt proofs (OpenID4VCI 1.0 Appendix D, F.1 `key_attestation`): checked
 * against TRUSTED_WALLET_PROVIDERS whenever present, required for the configurations
 * KEY_ATTESTATION_REQUIRED names (`key_attestations_required` in the metadata); and the
 * `attestation` proof type (§F: the key attestation alone, one credential per attested key).
 * Real keys, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { SignJWT, calculateJwkThumbprint, decodeJwt, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { accessToken, credentialRequest, holderKey, makeOffer, nonce, proof, type HolderKey } from './vci-helpers.js';
import { providerPki, providersFile, walletProvider, type WalletProvider } from './attestation-helpers.js';

const trusted = walletProvider('Trusted Wallet Co.');
const stranger = walletProvider('Unknown Wallet Inc.');
const pki = await providerPki('PKI Wallet Co.');

async function keyAttestation(
  provider: WalletProvider,
  keys: HolderKey[],
  o: { nonce?: string; exp?: number; typ?: string; drop?: string[] } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iat: now,
    exp: o.exp ?? now + 600,
    attested_keys: keys.map((k) => k.jwk),
    key_storage: ['iso_18045_moderate'],
    nonce: o.nonce,
  };
  for (const d of o.drop ?? []) delete payload[d];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'key-attestation+jwt', kid: provider.kid })
    .sign(provider.key.privateKey);
}

for (const backend of storeTargets()) {
  describe(`key attestations in proofs on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        env: {
          RATE_LIMIT_PER_MINUTE: '0',
          TRUSTED_WALLET_PROVIDERS: providersFile([trusted], [pki]),
          KEY_ATTESTATION_REQUIRED: 'driver-license',
        },
      });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const tokenFor = async (type: string) =>
      accessToken(t, await makeOffer(t, issuerKey, { type, claims: t.runtime.catalog.get(type)!.example }));
    const attestedProof = async (key: HolderKey, c: string, attestation: string) =>
      proof(key, { aud: t.config.publicUrl, nonce: c, header: { key_attestation: attestation } });
    const request = (type: string, proofs: string[]) => ({ credential_configuration_id: type, proofs: { jwt: proofs } });

    it('publishes key_attestations_required for driver-license only', async () => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
      assert.deepEqual(m.credential_configurations_supported['driver-license'].proof_types_supported.jwt.key_attestations_required, {});
      assert.equal(m.credential_configurations_supported['resident-id'].proof_types_supported.jwt.key_attestations_required, undefined);
    });

    it('issues a batch whose keys one trusted key attestation names', async () => {
      const keys = [holderKey(), holderKey()];
      const c = await nonce(t);
      const attestation = await keyAttestation(trusted, keys, { nonce: c });
      const res = await credentialRequest(
        t,
        await tokenFor('driver-license'),
        request('driver-license', await Promise.all(keys.map((k) => attestedProof(k, c, attestation)))),
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().credentials.length, 2);
    });

    it('refuses a batch whose shared key attestation names the first proof key but not the second (invalid_proof)', async () => {
      const keys = [holderKey(), holderKey()];
      const c = await nonce(t);
      // The attestation is checked once for the request; the proof key is still checked per proof.
      const attestation = await keyAttestation(trusted, [keys[0]!], { nonce: c });
      const res = await credentialRequest(
        t,
        await tokenFor('driver-license'),
        request('driver-license', await Promise.all(keys.map((k) => attestedProof(k, c, attestation)))),
      );
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error, 'invalid_proof');
      assert.match(res.json().error_description, /not among the attested_keys/);
    });

    it('accepts a key attestation signed under an x5c chain to a configured anchor (HAIP §4.5.1)', async () => {
      const key = holderKey();
      const c = await nonce(t);
      const now = Math.floor(Date.now() / 1000);
      const attestation = await new SignJWT({ iat: now, exp: now + 600, attested_keys: [key.jwk], nonce: c })
        .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', x5c: [pki.leaf.x5c] })
        .sign(pki.leaf.privateKey);
      const res = await credentialRequest(
        t,
        await tokenFor('driver-license'),
        request('driver-license', [await attestedProof(key, c, attestation)]),
      );
      assert.equal(res.statusCode, 200, res.body);
      const selfSigned = await new SignJWT({ iat: now, exp: now + 600, attested_keys: [key.jwk], nonce: c })
        .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', x5c: [pki.selfSigned.x5c] })
        .sign(pki.selfSigned.privateKey);
      const c2 = await nonce(t);
      const refused = await credentialRequest(
        t,
        await tokenFor('driver-license'),
        request('driver-license', [await attestedProof(key, c2, selfSigned)]),
      );
      assert.equal(refused.json().error, 'invalid_proof');
    });

    it('refuses a missing, untrusted, expired, mistyped or stale-nonce attestation, and a proof key it does not name (invalid_proof)', async () => {
      const key = holderKey();
      const cases: [string, (c: string) => Promise<string>][] = [
        ['missing where required', (c) => proof(key, { aud: t.config.publicUrl, nonce: c })],
        ['untrusted provider', async (c) => attestedProof(key, c, await keyAttestation(stranger, [key], { nonce: c }))],
        ['proof key not attested', async (c) => attestedProof(key, c, await keyAttestation(trusted, [holderKey()], { nonce: c }))],
        ['another nonce', async (c) => attestedProof(key, c, await keyAttestation(trusted, [key], { nonce: 'some-other-nonce' }))],
        ['no nonce', async (c) => attestedProof(key, c, await keyAttestation(trusted, [key], { drop: ['nonce'] }))],
        [
          'expired',
          async (c) => attestedProof(key, c, await keyAttestation(trusted, [key], { nonce: c, exp: Math.floor(Date.now() / 1000) - 600 })),
        ],
        ['no exp', async (c) => attestedProof(key, c, await keyAttestation(trusted, [key], { nonce: c, drop: ['exp'] }))],
        ['wrong typ', async (c) => attestedProof(key, c, await keyAttestation(trusted, [key], { nonce: c, typ: 'JWT' }))],
        ['not a JWT', async (c) => attestedProof(key, c, 'nonsense')],
        [
          'an off-curve attested key',
          async (c) =>
            attestedProof(
              key,
              c,
              await keyAttestation(trusted, [key, { ...holderKey(), jwk: { ...key.jwk, y: key.jwk.x } }], { nonce: c }),
            ),
        ],
      ];
      const token = await tokenFor('driver-license');
      for (const [name, make] of cases) {
        const res = await credentialRequest(t, token, request('driver-license', [await make(await nonce(t))]));
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        assert.equal(res.json().error, 'invalid_proof', name);
      }
      // Where not required, a key attestation that is sent is still checked, never accepted unchecked.
      const c = await nonce(t);
      const res = await credentialRequest(
        t,
        await tokenFor('resident-id'),
        request('resident-id', [await attestedProof(key, c, await keyAttestation(stranger, [key], { nonce: c }))]),
      );
      assert.equal(res.json().error, 'invalid_proof');
    });

    const attestationRequest = (type: string, attestation: string) => ({
      credential_configuration_id: type,
      proofs: { attestation: [attestation] },
    });
    const cnfJkt = async (credential: string) => {
      const payload = decodeJwt(credential.split('~')[0]!);
      return calculateJwkThumbprint((payload.cnf as { jwk: JWK }).jwk);
    };

    it('advertises the attestation proof type beside jwt', async () => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
      for (const id of ['driver-license', 'resident-id']) {
        const a = m.credential_configurations_supported[id].proof_types_supported.attestation;
        assert.ok(a.proof_signing_alg_values_supported.includes('ES256'), id);
        assert.deepEqual(a.key_attestations_required, {});
      }
    });

    it('attestation proof type: issues one credential per attested key, each bound to its key, with no proof of possession', async () => {
      const keys = [holderKey(), holderKey(), holderKey('Ed25519')];
      const attestation = await keyAttestation(trusted, keys, { nonce: await nonce(t) });
      const res = await credentialRequest(t, await tokenFor('resident-id'), attestationRequest('resident-id', attestation));
      assert.equal(res.statusCode, 200, res.body);
      const credentials = (res.json() as { credentials: { credential: string }[] }).credentials;
      assert.deepEqual(
        await Promise.all(credentials.map((c) => cnfJkt(c.credential))),
        await Promise.all(keys.map((k) => calculateJwkThumbprint(k.jwk))),
      );
      // It satisfies KEY_ATTESTATION_REQUIRED too, also from a provider trusted by its CA.
      const now = Math.floor(Date.now() / 1000);
      const pkiAttested = await new SignJWT({ iat: now, exp: now + 600, attested_keys: [holderKey().jwk], nonce: await nonce(t) })
        .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', x5c: [pki.leaf.x5c] })
        .sign(pki.leaf.privateKey);
      const dl = await credentialRequest(t, await tokenFor('driver-license'), attestationRequest('driver-license', pkiAttested));
      assert.equal(dl.statusCode, 200, dl.body);
    });

    it('attestation proof type: refuses an untrusted provider, a bad or missing nonce, an expired attestation, and consumes nothing', async () => {
      const keys = [holderKey()];
      const token = await tokenFor('resident-id');
      const now = Math.floor(Date.now() / 1000);
      const cases: [string, string, string][] = [
        ['untrusted provider', await keyAttestation(stranger, keys, { nonce: await nonce(t) }), 'invalid_proof'],
        ['no nonce', await keyAttestation(trusted, keys, {}), 'invalid_proof'],
        ['a nonce we never gave', await keyAttestation(trusted, keys, { nonce: 'not-a-c-nonce' }), 'invalid_nonce'],
        ['expired', await keyAttestation(trusted, keys, { nonce: await nonce(t), exp: now - 3600 }), 'invalid_proof'],
        ['wrong typ', await keyAttestation(trusted, keys, { nonce: await nonce(t), typ: 'JWT' }), 'invalid_proof'],
        ['not a JWT', 'hello', 'invalid_proof'],
      ];
      for (const [name, attestation, code] of cases) {
        const res = await credentialRequest(t, token, attestationRequest('resident-id', attestation));
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        assert.equal(res.json().error, code, name);
      }
      const two = await credentialRequest(t, token, { credential_configuration_id: 'resident-id', proofs: { attestation: ['a', 'b'] } });
      assert.equal(two.json().error, 'invalid_proof');
      // A used c_nonce is refused the second time.
      const c = await nonce(t);
      const ok = await credentialRequest(t, token, attestationRequest('resident-id', await keyAttestation(trusted, keys, { nonce: c })));
      assert.equal(ok.statusCode, 200, ok.body);
      const replay = await credentialRequest(
        t,
        await tokenFor('resident-id'),
        attestationRequest('resident-id', await keyAttestation(trusted, [holderKey()], { nonce: c })),
      );
      assert.equal(replay.json().error, 'invalid_nonce');
    });
  });
}
