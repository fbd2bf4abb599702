/**
 * Issue 14 §2, at verification: public keys that come from OTHER issuers pass the same gate as
 * holder keys at our issuance. A trusted external issuer (a second service, `TRUSTED_ISSUERS`,
 * reached through a fetch that answers from that app) signs an SD-JWT VC whose `cnf.jwk` is a
 * key nobody holds the private half of (small-order, mixed-order, non-canonical Ed25519; off-curve
 * or mis-encoded P-256): the presentation is rejected with `jws_key_invalid`, although its KB-JWT
 * is signed by the real private key the bad variant was derived from. Mixed-order keys too: we
 * never checked that issuer's holder keys at issuance. And a forged key in the issuer's JWKS (the
 * Ed25519 identity point, under which a constant signature verifies) neither verifies a
 * credential nor a status list. Both stores.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import type { JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { generateHolderKey, injectFetch, issueViaApi } from '../presentation/helpers.js';
import { badPublicJwks, IDENTITY_SIGNATURE, IDENTITY_X, realKeys, type RealKey } from '../helpers/bad-public-jwks.js';
import { sdDigest } from '../../src/formats/sd-jwt/compute-digest.js';
import { createVerificationContext } from '../../src/verification/create-verification-context.js';
import { verifyPresentation } from '../../src/verification/verify-presentation.js';
import type { Fetcher } from '../../src/verification/fetch-json.js';
import { verifierClientId } from '../../src/presentation/verifier-identity.js';
import { b64, b64json, type JsonObj } from './support/index.js';

const ISSUER2 = 'https://issuer2.example';
const REQUEST_NONCE = 'request-nonce-0123456789abcdef';
const FORGED_KID = 'forged-identity-key';
const keys = realKeys();
const bad = badPublicJwks(keys);

const nowS = () => Math.floor(Date.now() / 1000);
const algOf = (jwk: JWK) => (jwk.kty === 'OKP' ? 'EdDSA' : 'ES256');

function signReal(key: RealKey, input: string): string {
  const data = Buffer.from(input, 'ascii');
  return b64(
    key.alg === 'ES256' ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }) : sign(null, data, key.privateKey),
  );
}

for (const backend of storeTargets()) {
  describe(`keys from a trusted external issuer pass the public-key gate (${backend})`, () => {
    let verifier: TestApp;
    let issuer2: TestApp;
    let credential: string;

    beforeAll(async () => {
      verifier = await startTestApp({ store: backend, env: { TRUSTED_ISSUERS: `${ISSUER2}/` } });
      issuer2 = await startTestApp({ store: backend, env: { PUBLIC_URL: ISSUER2 } });
      ({ credential } = await issueViaApi(issuer2, await issuer2.apiKey('issuer'), 'resident-id', await generateHolderKey()));
    });
    afterAll(async () => {
      await verifier?.close();
      await issuer2?.close();
    });

    /** issuer2, reached in-process; `forge` adds the identity key to its JWKS and signs its status lists with a constant signature. */
    const context = (forge: { jwks?: boolean; statusList?: boolean } = {}) => {
      const viaApp = injectFetch(issuer2.app);
      const fetcher: Fetcher = async (url, init) => {
        assert.ok(url.startsWith(`${ISSUER2}/`), `fetched outside the trust list: ${url}`);
        const res = await viaApp(url, init);
        if (forge.jwks && url.endsWith('/.well-known/jwks.json')) {
          const jwks = (await res.json()) as { keys: JWK[] };
          return Response.json({
            keys: [...jwks.keys, { kty: 'OKP', crv: 'Ed25519', x: IDENTITY_X, kid: FORGED_KID, alg: 'EdDSA', use: 'sig' }],
          });
        }
        if (forge.statusList && url.includes('/status/')) {
          const [h, p] = (await res.text()).split('.') as [string, string];
          const header = { ...(JSON.parse(Buffer.from(h, 'base64url').toString()) as JsonObj), alg: 'EdDSA', kid: FORGED_KID };
          return new Response(`${b64json(header)}.${p}.${IDENTITY_SIGNATURE}`, {
            status: 200,
            headers: { 'content-type': 'application/statuslist+jwt' },
          });
        }
        return res;
      };
      return createVerificationContext(verifier.runtime, fetcher);
    };

    /** The credential's parts: issuer JWT header and payload, and its disclosures. */
    const parts = () => {
      const [jwt, ...rest] = credential.split('~');
      const [h, p] = (jwt as string).split('.') as [string, string];
      return {
        header: JSON.parse(Buffer.from(h, 'base64url').toString()) as JsonObj,
        payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as JsonObj,
        disclosures: rest.filter((d) => d !== ''),
      };
    };

    /** issuer2's credential with `cnf.jwk` = `jwk`, signed by issuer2's own key; a KB-JWT by `holder`. */
    const presentWithCnf = async (jwk: JWK, holder: RealKey) => {
      const { header, payload, disclosures } = parts();
      payload.cnf = { jwk: jwk as JsonObj };
      const input = `${b64json(header)}.${b64json(payload)}`;
      const signature = b64(await issuer2.runtime.keys.signer('ES256').sign(Buffer.from(input, 'ascii')));
      const sd = `${input}.${signature}~${disclosures.map((d) => `${d}~`).join('')}`;
      const kbInput = `${b64json({ typ: 'kb+jwt', alg: algOf(jwk) })}.${b64json({ iat: nowS(), aud: verifierClientId(verifier.config.publicUrl), nonce: REQUEST_NONCE, sd_hash: sdDigest(sd) })}`;
      return sd + `${kbInput}.${signReal(holder, kbInput)}`;
    };

    const verify = async (presentation: string, ctx = context()) =>
      verifyPresentation(
        {
          presentation,
          policy: { claims: [['family_name']] },
          kb: { aud: verifierClientId(verifier.config.publicUrl), nonce: REQUEST_NONCE, maxAgeSeconds: 120 },
        },
        ctx,
      );

    it('control: a credential of that issuer bound to a real key of each type is verified', async () => {
      for (const k of [keys.ec, keys.ed]) {
        const v = await verify(await presentWithCnf(k.jwk as JWK, k));
        assert.equal(v.verdict, 'verified', JSON.stringify(v.checks));
      }
    });

    for (const c of bad) {
      it(`rejects its credential whose cnf.jwk is ${c.name} (jws_key_invalid)`, async () => {
        const v = await verify(await presentWithCnf(c.jwk, c.signer));
        assert.equal(v.verdict, 'rejected');
        assert.equal(v.code, 'jws_key_invalid', JSON.stringify(v.checks));
      });
    }

    it('drops the Ed25519 identity key from its JWKS: a credential with a constant signature under it is not verified', async () => {
      const { header, payload, disclosures } = parts();
      const forgedHeader = { ...header, alg: 'EdDSA', kid: FORGED_KID };
      const sd = `${b64json(forgedHeader)}.${b64json(payload)}.${IDENTITY_SIGNATURE}~${disclosures.map((d) => `${d}~`).join('')}`;
      const v = await verify(sd, context({ jwks: true }));
      assert.equal(v.verdict, 'rejected');
      assert.equal(v.code, 'jws_key_not_found', JSON.stringify(v.checks));
    });

    it('drops the Ed25519 identity key from its JWKS: a status list with a constant signature under it is refused', async () => {
      const v = await verify(await presentWithCnf(keys.ec.jwk as JWK, keys.ec), context({ jwks: true, statusList: true }));
      assert.equal(v.verdict, 'rejected');
      assert.equal(v.code, 'status_list_signature_invalid', JSON.stringify(v.checks));
    });
  });
}
