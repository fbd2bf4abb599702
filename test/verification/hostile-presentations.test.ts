/**
 * SECURITY.md "SD-JWT / SD-JWT VC" and "Presentations" against the counter endpoint: each
 * hostile input is a test asserting the code of the check that refuses it. Credentials are
 * issued through the API; forgeries are built with our own format code and an attacker key.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  counterChallenge,
  counterOf,
  counterPresent,
  counterVerify,
  generateHolderKey,
  issueViaApi,
  nowSeconds,
} from '../presentation/helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { issueSdJwt } from '../../src/formats/sd-jwt/issue-sd-jwt.js';
import { issueSdJwtVc } from '../../src/formats/sd-jwt-vc/issue-sd-jwt-vc.js';
import { createKbJwt } from '../../src/formats/sd-jwt/create-kb-jwt.js';
import type { JsonObject } from '../../src/formats/jose/types.js';
import type { Signer } from '../../src/keys/signer.js';

interface Verdict {
  verdict: string;
  code: string;
  checks: { check: string; ok: boolean; code: string }[];
  claims?: Record<string, unknown>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

for (const backend of storeTargets()) {
  describe(`hostile presentations (${backend})`, () => {
    let t: TestApp;
    let verifierKey: string;
    let issuerKey: string;
    let holder: HolderKey;
    let credential: string;
    let aud: string;
    let attacker: HolderKey;

    const verdict = async (presentation: string, policy?: unknown): Promise<Verdict> => {
      const res = await counterVerify(t.app, verifierKey, presentation, policy);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Verdict>();
    };
    const failedAt = (v: Verdict) => v.checks.find((c) => !c.ok)?.check;

    /** Appends a KB-JWT by the holder over exactly `sdJwtWithoutKb` (the holder is the attacker here). */
    const bind = async (sdJwtWithoutKb: string, signer: Signer = holder.signer) =>
      `${sdJwtWithoutKb}${await createKbJwt({ sdJwtWithoutKb, holderSigner: signer, nonce: (await counterChallenge(counterOf(t.app, verifierKey))).nonce, aud, iat: nowSeconds() })}`;

    /** Issues an SD-JWT VC as `iss` with `signer` (an attacker key), bound to the holder. */
    const forge = async (iss: string, signer: Signer, header?: JsonObject) => {
      const now = nowSeconds();
      if (header) {
        const { sdJwt } = await issueSdJwt({
          header,
          payload: {
            iss,
            iat: now,
            exp: now + 3600,
            vct: t.runtime.catalog.get('resident-id')!.vct,
            cnf: { jwk: holder.publicJwk as JsonObject },
            family_name: '김',
          },
          disclosable: ['family_name'],
          signer,
        });
        return sdJwt;
      }
      const { sdJwt } = await issueSdJwtVc({
        iss,
        vct: t.runtime.catalog.get('resident-id')!.vct,
        iat: now,
        exp: now + 3600,
        cnfJwk: holder.publicJwk,
        claims: { family_name: '김' },
        disclosable: ['family_name'],
        signer,
      });
      return sdJwt;
    };

    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      verifierKey = await t.apiKey('verifier');
      issuerKey = await t.apiKey('issuer');
      holder = await generateHolderKey();
      attacker = await generateHolderKey();
      ({ credential } = await issueViaApi(t, issuerKey, 'resident-id', holder));
      aud = (await counterChallenge(counterOf(t.app, verifierKey))).aud;
    });
    afterAll(async () => t?.close());

    it('rejects a tampered disclosure (value changed, re-signed KB-JWT): disclosures check, unreferenced digest', async () => {
      const parts = credential.split('~');
      const i = parts.findIndex(
        (d, k) => k > 0 && d && (JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[])[1] === 'family_name',
      );
      const [salt, name] = JSON.parse(Buffer.from(parts[i]!, 'base64url').toString()) as [string, string];
      parts[i] = b64([salt, name, '박']);
      const v = await verdict(await bind(`${parts[0]}~${parts[i]}~`));
      assert.equal(v.code, 'sd_jwt_unreferenced_disclosure');
      assert.equal(failedAt(v), 'disclosures');
    });

    it('rejects the same disclosure twice', async () => {
      const d = credential.split('~')[1]!;
      const v = await verdict(await bind(`${credential.split('~')[0]}~${d}~${d}~`));
      assert.equal(v.code, 'sd_jwt_duplicate_disclosure');
    });

    it('rejects a disclosure from another credential (unreferenced)', async () => {
      const { credential: other } = await issueViaApi(t, issuerKey, 'resident-id', holder);
      const v = await verdict(await bind(`${credential.split('~')[0]}~${other.split('~')[1]}~`));
      assert.equal(v.code, 'sd_jwt_unreferenced_disclosure');
    });

    it('rejects alg none in any casing before any crypto', async () => {
      const jwt = credential.split('~')[0]!;
      const [, payload] = jwt.split('.');
      for (const alg of ['none', 'None', 'NONE']) {
        const forged = `${b64({ alg, typ: 'dc+sd-jwt' })}.${payload}.AAAA`;
        const v = await verdict(await bind(`${forged}~`));
        assert.equal(v.code, 'jws_alg_not_allowed', alg);
        assert.equal(failedAt(v), 'typ_alg');
      }
    });

    it('rejects an HS256 token MACed with the issuer public key', async () => {
      const signer = t.runtime.keys.signer('ES256');
      const [, payload] = credential.split('~')[0]!.split('.');
      const header = b64({ alg: 'HS256', typ: 'dc+sd-jwt', kid: signer.kid });
      for (const secret of [JSON.stringify(signer.publicJwk), Buffer.from(JSON.stringify(signer.publicJwk))]) {
        const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        const v = await verdict(await bind(`${header}.${payload}.${mac}~`));
        assert.equal(v.code, 'jws_alg_not_allowed');
      }
    });

    it('never trusts a jwk embedded in the issuer header (attacker key, our kid, our iss)', async () => {
      const ourKid = t.runtime.keys.signer('ES256').kid;
      const impostor: Signer = { ...attacker.signer, kid: ourKid, sign: (i) => attacker.signer.sign(i) };
      const forged = await forge(t.config.publicUrl, impostor, { typ: 'dc+sd-jwt', jwk: attacker.publicJwk as JsonObject });
      const v = await verdict(await bind(presentAll(forged)));
      assert.equal(v.code, 'jws_signature_invalid');
      assert.equal(failedAt(v), 'issuer_signature');
    });

    it('rejects an issuer that is not on the trust list, even for a type we know', async () => {
      const forged = await forge('https://evil.example', attacker.signer);
      const v = await verdict(await bind(presentAll(forged)));
      assert.equal(v.code, 'untrusted_issuer');
    });

    it('rejects a wrong typ on the issuer JWT', async () => {
      const forged = await forge(t.config.publicUrl, attacker.signer, { typ: 'vc+sd-jwt' });
      assert.equal((await verdict(await bind(presentAll(forged)))).code, 'sd_jwt_vc_bad_typ');
    });

    it('rejects a bare JWT where an SD-JWT is required', async () => {
      assert.equal((await verdict(credential.split('~')[0]!)).code, 'sd_jwt_malformed');
    });

    it('rejects a KB-JWT with another typ', async () => {
      const sd = `${credential.split('~')[0]}~`;
      const { signCompactJws } = await import('../../src/formats/jose/sign-compact-jws.js');
      const { sdDigest } = await import('../../src/formats/sd-jwt/compute-digest.js');
      const kb = await signCompactJws(
        { typ: 'JWT' },
        { iat: nowSeconds(), aud, nonce: 'n'.repeat(22), sd_hash: sdDigest(sd) },
        holder.signer,
      );
      assert.equal((await verdict(`${sd}${kb}`)).code, 'kb_jwt_bad_typ');
    });

    it('verifies a presentation made by @sd-jwt/sd-jwt-vc as the holder', async () => {
      const { credential: cred } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const theirs = new SDJwtVcInstance({
        hasher: digest,
        hashAlg: 'sha-256',
        saltGenerator: generateSalt,
        kbSigner: await ES256.getSigner(holder.privateJwk as never),
        kbSignAlg: 'ES256',
      });
      const { nonce } = await counterChallenge(counterOf(t.app, verifierKey));
      const presentation = await theirs.present(cred, { family_name: true, age_over_19: true, driving_privileges: true } as never, {
        kb: { payload: { iat: nowSeconds(), aud, nonce } },
      });
      const v = await verdict(presentation, { types: ['driver-license'], claims: ['family_name', 'age_over_19'] });
      assert.equal(v.verdict, 'verified', JSON.stringify(v.checks));
      // They disclosed driving_privileges too; it was not asked for, so it is not in the result.
      assert.deepEqual(Object.keys(v.claims!).sort(), ['age_over_19', 'family_name']);
    });

    it('verifies a VC-JWT only when the policy waives holder binding', async () => {
      const { credential: vc } = await issueViaApi(t, issuerKey, 'resident-id', undefined, 'vc+jwt');
      const strict = await verdict(vc);
      assert.equal(strict.code, 'holder_binding_unsupported');
      const relaxed = await verdict(vc, { require_holder_binding: false, types: ['resident-id'], claims: ['family_name'] });
      assert.equal(relaxed.verdict, 'verified', JSON.stringify(relaxed.checks));
      assert.deepEqual(Object.keys(relaxed.claims!), ['family_name']);
    });

    /** Every disclosure kept (the forged credentials are tiny). */
    function presentAll(sdJwt: string): string {
      return sdJwt;
    }
  });

  describe(`revoked and suspended credentials (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ store: backend });
    });
    afterAll(async () => t?.close());

    it('refuses a credential revoked through the API and one suspended through the API, with their codes', async () => {
      const issuerKey = await t.apiKey('issuer');
      const verifierKey = await t.apiKey('verifier');
      const holder = await generateHolderKey();
      const revoked = await issueViaApi(t, issuerKey, 'resident-id', holder);
      const suspended = await issueViaApi(t, issuerKey, 'resident-id', holder);
      const fine = await issueViaApi(t, issuerKey, 'resident-id', holder);
      for (const [c, action] of [
        [revoked, 'revoke'],
        [suspended, 'suspend'],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/v1/credentials/${c.id}/${action}`,
          headers: { authorization: `Bearer ${issuerKey}` },
          payload: { reason: 'test' },
        });
        assert.equal(res.statusCode, 200, res.body);
      }
      const check = async (cred: string) =>
        (
          await counterVerify(
            t.app,
            verifierKey,
            (await counterPresent(cred, holder, counterOf(t.app, verifierKey), ['family_name'])).presentation,
          )
        ).json<Verdict>();
      const r = await check(revoked.credential);
      assert.equal(r.code, 'credential_revoked');
      assert.equal(r.checks.find((c) => c.check === 'status')?.ok, false);
      assert.equal((await check(suspended.credential)).code, 'credential_suspended');
      assert.equal((await check(fine.credential)).verdict, 'verified');
    });
  });
}
