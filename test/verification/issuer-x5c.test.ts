/**
 * HAIP 1.0 §6.1.1 issuer x5c: our issuer CA (`keys issuer-ca`) certifies the JWT signing keys
 * (`keys issuer-cert`, and every key `keys rotate` makes), SD-JWT VCs and Status List Tokens carry
 * the leaf as `x5c` beside `kid`, and the verifier checks a credential with x5c by its chain to a
 * trusted issuer CA (ours, or TRUSTED_ISSUER_CAS), the leaf's validity, key usage and SAN naming
 * `iss`: each failure its own code. Real HTTP (inject), real SQLite and PostgreSQL, real crypto.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { decodeProtectedHeader, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { counterOf, counterPresent, counterVerify, generateHolderKey, issueViaApi, type Counter } from '../presentation/helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { certifyIssuerKeys, makeIssuerCa } from '../../src/keys/manage-issuer-certificates.js';
import { retireKey, rotateKey } from '../../src/keys/manage-keys.js';
import { handoverWindowMs } from '../../src/keys/key-ring.js';
import { certificateChainOf } from '../../src/keys/mdoc-key-rows.js';
import { readAuthorityKeyIds } from '../../src/formats/x509/read-authority-key-ids.js';
import { readSubjectAltNames } from '../../src/formats/x509/read-certificate-extensions.js';
import { issueSdJwtVc } from '../../src/formats/sd-jwt-vc/issue-sd-jwt-vc.js';
import { spkiOf } from '../../src/keys/build-mdoc-certificate.js';
import { isAppError } from '../../src/errors.js';
import type { Signer } from '../../src/keys/signer.js';
import { newSigner } from '../formats/helpers.js';
import { ECDSA_P256 as ECDSA, makeTestCa, type TestCa } from '../helpers/make-test-ca.js';

const DAY = 86_400_000;
const FOREIGN = 'https://foreign.example';
const FOREIGN_VCT = `${FOREIGN}/vct/pid`;

/** A leaf for `jwk` under `ca`, with the SAN, key usage and validity a case needs. */
async function makeLeaf(ca: TestCa, jwk: JWK, o: { san?: string; usage?: number; from?: number; to?: number } = {}): Promise<string> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=issuer',
    issuer: ca.cert.subject,
    notBefore: new Date(o.from ?? Date.now() - DAY),
    notAfter: new Date(o.to ?? Date.now() + 30 * DAY),
    publicKey: await webcrypto.subtle.importKey('spki', spkiOf(jwk), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.KeyUsagesExtension(o.usage ?? x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: o.san ?? FOREIGN }]),
    ],
  });
  return Buffer.from(cert.rawData).toString('base64');
}

/** An SD-JWT VC another issuer signed with `signer` and `x5c` in its header. */
async function foreignCredential(signer: Signer, x5c: unknown, holder: HolderKey, o: { iss?: string; vct?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const { sdJwt } = await issueSdJwtVc({
    iss: o.iss ?? FOREIGN,
    vct: o.vct ?? FOREIGN_VCT,
    iat: now,
    exp: now + 3600,
    cnfJwk: holder.publicJwk as JWK,
    claims: { given_name: '길동' },
    disclosable: ['given_name'],
    signer: { ...signer, x5c: x5c as string[] },
  });
  return sdJwt;
}

for (const backend of storeTargets()) {
  describe(`SD-JWT VC issuer x5c (${backend})`, () => {
    let t: TestApp;
    let dir: string;
    let issuerKey: string;
    let verifierKey: string;
    let holder: HolderKey;
    let counter: Counter;
    let trustedCa: TestCa;
    let otherCa: TestCa;
    let foreign: { signer: Signer; privateJwk: JWK };
    let ourCaAki: string;

    /** What rotateKey and retireKey need, with the issuer profile a rotation certifies the new key under. */
    const rotationDeps = () => ({
      store: t.runtime.store,
      keyStore: t.runtime.keyStore,
      clock: t.runtime.clock,
      actor: 'test',
      issuerProfile: { country: 'KR', commonName: 'test issuer', issuer: t.config.publicUrl },
    });

    const verify = async (credential: string, policy: unknown, disclose = ['given_name']) => {
      const { presentation } = await counterPresent(credential, holder, counter, disclose);
      const res = await counterVerify(t.app, verifierKey, presentation, policy);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ verdict: string; code: string; message: { ko: string; en: string } }>();
    };

    beforeAll(async () => {
      trustedCa = await makeTestCa('trusted foreign CA');
      otherCa = await makeTestCa('unknown CA');
      dir = mkdtempSync(join(tmpdir(), 'dproof-issuer-x5c-'));
      writeFileSync(join(dir, 'ca.pem'), trustedCa.cert.toString('pem'));
      t = await startTestApp({ store: backend, env: { TRUSTED_ISSUER_CAS: join(dir, 'ca.pem') } });
      issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      holder = await generateHolderKey();
      counter = counterOf(t.app, verifierKey);
      foreign = await newSigner();
      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
      // Before the CA exists there is nothing to certify under.
      await assert.rejects(
        certifyIssuerKeys(deps, { country: 'KR', commonName: 'x', issuer: t.config.publicUrl }),
        (e) => isAppError(e) && e.code === 'no_active_issuer_ca' && e.status === 409,
      );
      const ca = await makeIssuerCa(deps, { country: 'KR', commonName: 'test issuer CA', uri: t.config.publicUrl });
      ourCaAki = readAuthorityKeyIds([certificateChainOf(ca.active)[0]!])[0]!;
      const certified = await certifyIssuerKeys(deps, { country: 'KR', commonName: 'test issuer', issuer: t.config.publicUrl });
      assert.equal(certified.length, 1);
      await t.runtime.keys.refresh();
    });
    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('signs SD-JWT VCs with x5c beside kid: the leaf only, naming PUBLIC_URL, for the kid key, under our issuer CA', async () => {
      const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const header = decodeProtectedHeader(credential.split('~')[0]!);
      assert.equal(header.typ, 'dc+sd-jwt');
      assert.ok(typeof header.kid === 'string');
      assert.equal(header.x5c?.length, 1, 'the trust anchor is left out (HAIP 1.0 §6.1.1)');
      const leaf = new X509Certificate(Buffer.from(header.x5c![0]!, 'base64'));
      assert.deepEqual(readSubjectAltNames(leaf.raw).uris, [t.config.publicUrl]);
      assert.equal(leaf.ca, false);
      const published = t.runtime.keys.verificationKey(header.kid as string)!.jwk;
      const leafJwk = leaf.publicKey.export({ format: 'jwk' });
      assert.deepEqual([leafJwk.x, leafJwk.y], [published.x, published.y]);
      assert.deepEqual(readAuthorityKeyIds([leaf.raw]), [ourCaAki]);
    });

    it('puts the same x5c on the Status List Token (HAIP 1.0 §7)', async () => {
      const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const payload = JSON.parse(Buffer.from(credential.split('~')[0]!.split('.')[1]!, 'base64url').toString()) as {
        status: { status_list: { uri: string } };
      };
      const res = await t.app.inject({ method: 'GET', url: new URL(payload.status.status_list.uri).pathname });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(decodeProtectedHeader(res.body).x5c, decodeProtectedHeader(credential.split('~')[0]!).x5c);
    });

    it('verifies our x5c credential by its chain to our own issuer CA, status list included', async () => {
      const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const v = await verify(credential, { types: ['driver-license'], claims: ['age_over_19'] }, ['age_over_19']);
      assert.equal(v.verdict, 'verified', JSON.stringify(v));
    });

    it("refuses our kid with a foreign x5c: with x5c the key is the certificate's, never the JWKS's", async () => {
      const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const [jwt, ...rest] = credential.split('~');
      const [h, p, s] = jwt!.split('.');
      const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>;
      header.x5c = [await makeLeaf(otherCa, foreign.signer.publicJwk, { san: t.config.publicUrl })];
      const forged = [`${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`, ...rest].join('~');
      assert.equal((await verify(forged, undefined, ['age_over_19'])).code, 'issuer_certificate_untrusted');
    });

    it('verifies a credential of another issuer under a TRUSTED_ISSUER_CAS certificate, for types under its identifier', async () => {
      const x5c = [await makeLeaf(trustedCa, foreign.signer.publicJwk)];
      const v = await verify(await foreignCredential(foreign.signer, x5c, holder), { types: [FOREIGN_VCT], claims: ['given_name'] });
      assert.equal(v.verdict, 'verified', JSON.stringify(v));
      // Its CA speaks for the issuer's own types, never for ours.
      const ours = await foreignCredential(foreign.signer, x5c, holder, { vct: `${t.config.publicUrl}/vct/driver-license` });
      assert.equal((await verify(ours, undefined)).code, 'issuer_not_authorized_for_type');
    });

    it('refuses each bad x5c with its own code and a clerk sentence in Korean and English', async () => {
      const key = foreign.signer.publicJwk;
      const cases: [string, unknown, string, { iss?: string }?][] = [
        ['a CA not on the trust list', [await makeLeaf(otherCa, key)], 'issuer_certificate_untrusted'],
        [
          'a leaf naming another issuer',
          [await makeLeaf(trustedCa, key, { san: 'https://other.example' })],
          'issuer_certificate_san_mismatch',
        ],
        [
          'a foreign CA certifying our PUBLIC_URL',
          [await makeLeaf(trustedCa, key, { san: t.config.publicUrl })],
          'issuer_certificate_san_mismatch',
          { iss: t.config.publicUrl },
        ],
        [
          'an expired leaf',
          [await makeLeaf(trustedCa, key, { from: Date.now() - 10 * DAY, to: Date.now() - DAY })],
          'issuer_certificate_expired',
        ],
        [
          'a leaf without digitalSignature',
          [await makeLeaf(trustedCa, key, { usage: x509.KeyUsageFlags.keyEncipherment })],
          'issuer_certificate_usage_invalid',
        ],
        ['the CA itself as the leaf', [Buffer.from(trustedCa.cert.rawData).toString('base64')], 'issuer_certificate_invalid'],
        ['x5c that is not base64 DER', ['not base64!'], 'issuer_certificate_invalid'],
        ['a leaf for another key', [await makeLeaf(trustedCa, (await newSigner()).signer.publicJwk)], 'jws_signature_invalid'],
      ];
      for (const [what, x5c, code, o] of cases) {
        const v = await verify(await foreignCredential(foreign.signer, x5c, holder, o), undefined);
        assert.equal(v.code, code, what);
        assert.equal(v.verdict, 'rejected', what);
        assert.ok(v.message.ko.length > 0 && v.message.en.length > 0, what);
      }
    });

    it('certifies the key a rotation makes, before it signs anything', async () => {
      const deps = rotationDeps();
      const { active } = await rotateKey(deps, 'ES256', { handoverMs: handoverWindowMs(t.config) });
      assert.equal(active.issuerX5c?.length, 1);
      const leaf = new X509Certificate(Buffer.from(active.issuerX5c![0]!, 'base64'));
      assert.deepEqual(readAuthorityKeyIds([leaf.raw]), [ourCaAki]);
    });

    it('interop: @sd-jwt/sd-jwt-vc (OWF) verifies our x5c-signed SD-JWT VC with the leaf certificate key', async () => {
      const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const x5c = decodeProtectedHeader(credential.split('~')[0]!).x5c!;
      const leafKey = new X509Certificate(Buffer.from(x5c[0]!, 'base64')).publicKey.export({ format: 'jwk' }) as JWK;
      const theirs = new SDJwtVcInstance({
        verifier: await ES256.getVerifier(leafKey),
        // The status list token, fetched in-process (PUBLIC_URL does not listen here); the same key signs it.
        statusListFetcher: async (uri) => (await t.app.inject({ method: 'GET', url: new URL(uri).pathname })).body,
        statusVerifier: await ES256.getVerifier(leafKey),
        hasher: digest,
        hashAlg: 'sha-256',
      });
      const { payload } = await theirs.verify(credential);
      assert.equal(payload.iss, t.config.publicUrl);
    });

    it("stops verifying a retired key's credentials though the key's certificate is still valid (issuer_certificate_untrusted)", async () => {
      const handoverMs = handoverWindowMs(t.config);
      t.clock.advance(handoverMs); // the rotation of the test before has handed over
      const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const kid = decodeProtectedHeader(credential.split('~')[0]!).kid as string;
      const policy = { types: ['driver-license'], claims: ['age_over_19'] };
      assert.equal((await verify(credential, policy, ['age_over_19'])).verdict, 'verified');
      const deps = rotationDeps();
      await rotateKey(deps, 'ES256', { handoverMs });
      t.clock.advance(handoverMs);
      await retireKey(deps, kid, { force: true, handoverMs });
      await t.runtime.keys.refresh();
      const v = await verify(credential, policy, ['age_over_19']);
      assert.equal(v.verdict, 'rejected', JSON.stringify(v));
      assert.equal(v.code, 'issuer_certificate_untrusted');
    });

    // Last: it moves the app's clock past the issuer certificate's validity.
    it('signs without x5c once the issuer certificate of the key has expired, though the key table did not change', async () => {
      const leafOf = (credential: string) => decodeProtectedHeader(credential.split('~')[0]!).x5c;
      const before = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const leaf = new X509Certificate(Buffer.from(leafOf(before.credential)![0]!, 'base64'));
      t.clock.advance(Date.parse(leaf.validTo) - t.clock.now() + DAY);
      assert.equal(await t.runtime.keys.refresh(), false, 'no key change to reload');
      const after = await issueViaApi(t, issuerKey, 'driver-license', holder);
      assert.equal(leafOf(after.credential), undefined);
    });
  });
}
