/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`) issuance through OpenID4VCI over real HTTP, on every store,
 * checked by an implementation we did not write: @auth0/mdl verifies what we issue (issuerAuth
 * signature by the DS certificate chained to our IACA, every digest, the validity window, the
 * DeviceSignature made with the proof key), and @owf/mdoc reads the MSO's status and device key.
 */
import 'reflect-metadata';
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { exportJWK } from 'jose';
import * as x509 from '@peculiar/x509';
import { DeviceResponse as Auth0DeviceResponse, Verifier as Auth0Verifier, parse as auth0Parse } from '@auth0/mdl';
import { IssuerSigned } from '@owf/mdoc';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { certificateChainOf, makeDocumentSigner, makeIaca, MDOC_DS_ALG, MDOC_IACA_ALG, pemOf } from '../../src/keys/manage-mdoc-keys.js';
import { MDL_DS_EKU } from '../../src/formats/mdoc/mdoc-constants.js';
import { holderKey, proof, type HolderKey } from './vci-helpers.js';
import { badPublicJwks } from '../helpers/bad-public-jwks.js';
import { get, postJson, tokenOver } from '../helpers/vci-over-http.js';

const ISO = 'org.iso.18013.5.1';
const MDL = 'org.iso.18013.5.1.mDL';

// --- a few CBOR heads, to wrap our IssuerSigned bytes unchanged into a DeviceResponse (RFC 8949 §3) ---
const head = (major: number, n: number): Buffer =>
  n < 24
    ? Buffer.from([(major << 5) | n])
    : n < 256
      ? Buffer.from([(major << 5) | 24, n])
      : Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
const text = (s: string) => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s)]);
/** DeviceResponse { version, documents: [ { docType, issuerSigned } ], status: 0 } (ISO 18013-5 §8.3.2.1.2.2). */
const wrapInDeviceResponse = (docType: string, issuerSigned: Buffer) =>
  Buffer.concat([
    head(5, 3),
    text('version'),
    text('1.0'),
    text('documents'),
    head(4, 1),
    head(5, 2),
    text('docType'),
    text(docType),
    text('issuerSigned'),
    issuerSigned,
    text('status'),
    head(0, 0),
  ]);

/** @auth0/mdl, acting as wallet and verifier: presents `elements` with a DeviceSignature by `key`, then verifies against `iacaPem`. */
async function verifyWithAuth0(credential: string, key: HolderKey, iacaPem: string, elements: [string, string][]) {
  const mdoc = auth0Parse(wrapInDeviceResponse(MDL, Buffer.from(credential, 'base64url')));
  const pd = {
    id: 'check',
    input_descriptors: [
      {
        id: MDL,
        format: { mso_mdoc: { alg: ['ES256'] } },
        constraints: {
          limit_disclosure: 'required',
          fields: elements.map(([ns, e]) => ({ path: [`$['${ns}']['${e}']`], intent_to_retain: false })),
        },
      },
    ],
  };
  const presented = await Auth0DeviceResponse.from(mdoc)
    .usingPresentationDefinition(pd as never)
    .usingSessionTranscriptForOID4VP('mdoc-nonce', 'client', 'https://verifier.example/response', 'verifier-nonce')
    .authenticateWithSignature(await exportJWK(key.privateKey), 'ES256')
    .sign();
  const encoded = presented.encode();
  const transcript = Auth0DeviceResponse.from(mdoc).usingSessionTranscriptForOID4VP(
    'mdoc-nonce',
    'client',
    'https://verifier.example/response',
    'verifier-nonce',
  );
  return new Auth0Verifier([iacaPem]).verify(encoded, {
    encodedSessionTranscript: (transcript as unknown as { sessionTranscriptBytes: Buffer }).sessionTranscriptBytes,
  });
}

for (const backend of storeTargets()) {
  describe(`mdoc issuance over OpenID4VCI on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let iacaPem: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', BATCH_SIZE: '3' } });
      issuerKey = await t.apiKey('issuer');
      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
      const subject = { country: 'KR', commonName: 'test IACA', uri: t.url };
      const iaca = await makeIaca(deps, subject);
      await makeDocumentSigner(deps, { ...subject, commonName: 'test DS' });
      await t.runtime.keys.refresh();
      iacaPem = pemOf(certificateChainOf(iaca.active)[0]!);
    });
    afterAll(() => t.close());

    it('makes an ISO 18013-5 Annex B IACA root and a document signer chained to it', async () => {
      const rows = await t.runtime.store.keys.list();
      const iaca = new x509.X509Certificate(certificateChainOf(rows.find((k) => k.alg === MDOC_IACA_ALG)!)[0]!);
      const ds = new x509.X509Certificate(certificateChainOf(rows.find((k) => k.alg === MDOC_DS_ALG)!)[0]!);
      const bc = iaca.getExtension(x509.BasicConstraintsExtension)!;
      assert.equal(bc.ca, true);
      assert.equal(bc.pathLength, 0);
      assert.equal(bc.critical, true);
      const iacaUsage = iaca.getExtension(x509.KeyUsagesExtension)!;
      assert.equal(iacaUsage.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
      assert.ok(iaca.getExtension(x509.IssuerAlternativeNameExtension));
      assert.equal(await iaca.verify({ signatureOnly: true }), true, 'self-signed');
      assert.equal(ds.issuer, iaca.subject);
      assert.equal(ds.getExtension(x509.KeyUsagesExtension)!.usages, x509.KeyUsageFlags.digitalSignature);
      assert.deepEqual([...ds.getExtension(x509.ExtendedKeyUsageExtension)!.usages], [MDL_DS_EKU]);
      assert.equal(await ds.verify({ publicKey: iaca.publicKey, signatureOnly: true }), true, 'signed by the IACA');
      assert.match(ds.subject, /C=KR/);
      // Neither is a JWS key: the JWKS publishes no mdoc key.
      const jwks = await get(`${t.url}/.well-known/jwks.json`);
      const kids = (jwks.body.keys as { kid: string }[]).map((k) => k.kid);
      for (const r of rows.filter((k) => k.alg.startsWith('mdoc-'))) assert.ok(!kids.includes(r.kid));
    });

    it('publishes an mso_mdoc configuration per mobile ID with its doctype, COSE alg -7 and [namespace, element] claim paths', async () => {
      const meta = await get(`${t.url}/.well-known/openid-credential-issuer`);
      const configs = meta.body.credential_configurations_supported as Record<string, Record<string, unknown>>;
      const doctypes = {
        'driver-license': MDL,
        'resident-id': 'kr.go.mois.resident_id.1',
        'civil-servant-id': 'kr.go.mpm.civil_servant_id.1',
        'foreign-resident-id': 'kr.go.moj.foreign_resident_id.1',
      };
      for (const [id, doctype] of Object.entries(doctypes)) {
        const c = configs[`${id}-mso-mdoc`]!;
        assert.equal(c.format, 'mso_mdoc', id);
        assert.equal(c.doctype, doctype, id);
        assert.deepEqual(c.credential_signing_alg_values_supported, [-7]);
        assert.deepEqual(c.proof_types_supported, { jwt: { proof_signing_alg_values_supported: ['ES256'] } });
      }
      const claims = (configs['driver-license-mso-mdoc']!.credential_metadata as { claims: { path: unknown[] }[] }).claims;
      assert.ok(claims.some((c) => JSON.stringify(c.path) === JSON.stringify([ISO, 'family_name'])));
      assert.ok(claims.some((c) => JSON.stringify(c.path) === JSON.stringify(['kr.go.knpa.mdl.1', 'age_over_19'])));
      assert.ok(claims.some((c) => JSON.stringify(c.path) === JSON.stringify([ISO, 'driving_privileges', null, 'vehicle_category_code'])));
    });

    it('issues a batch of driving licences as IssuerSigned: @auth0/mdl verifies each against our IACA; salts, device keys and status indices differ', async () => {
      const type = t.runtime.catalog.get('driver-license')!;
      const o = await postJson(`${t.url}/v1/offers`, { type: type.id, claims: type.example, format: 'mso_mdoc' }, issuerKey);
      assert.equal(o.status, 201, JSON.stringify(o.body));
      const offer = await get(`${t.url}${new URL(o.body.credential_offer_uri as string).pathname}`);
      assert.deepEqual(offer.body.credential_configuration_ids, ['driver-license-mso-mdoc']);
      const code = (offer.body.grants as Record<string, Record<string, string>>)['urn:ietf:params:oauth:grant-type:pre-authorized_code']![
        'pre-authorized_code'
      ]!;
      const token = (await tokenOver(t.url, code)).body.access_token as string;
      const keys = [holderKey(), holderKey()];
      const jwts = [];
      for (const k of keys) {
        const n = (await postJson(`${t.url}/openid4vci/nonce`, {})).body.c_nonce as string;
        jwts.push(await proof(k, { aud: t.config.publicUrl, nonce: n }));
      }
      const res = await postJson(
        `${t.url}/openid4vci/credential`,
        { credential_configuration_id: 'driver-license-mso-mdoc', proofs: { jwt: jwts } },
        token,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const credentials = (res.body.credentials as { credential: string }[]).map((c) => c.credential);
      assert.equal(credentials.length, 2);

      const statuses: number[] = [];
      const salts = new Set<string>();
      for (const [i, credential] of credentials.entries()) {
        const verified = await verifyWithAuth0(credential, keys[i]!, iacaPem, [
          [ISO, 'family_name'],
          [ISO, 'birth_date'],
          [ISO, 'issuing_country'],
          [ISO, 'driving_privileges'],
          ['kr.go.knpa.mdl.1', 'age_over_19'],
        ]);
        const doc = verified.documents[0]!;
        const values = doc.getIssuerNameSpace(ISO) as Record<string, unknown>;
        assert.equal(values.family_name, type.example.family_name);
        assert.equal(values.issuing_country, 'KR');
        assert.equal(String(values.birth_date), '1959-05-20');
        assert.equal(doc.getIssuerNameSpace('kr.go.knpa.mdl.1')!.age_over_19, true);
        assert.equal(values.given_name, undefined, 'only what was presented');

        // @owf/mdoc reads the MSO: docType, the device key (the proof key), the status reference.
        const signed = IssuerSigned.fromEncodedForOid4Vci(credential);
        const mso = signed.issuerAuth.mobileSecurityObject;
        assert.equal(mso.docType, MDL);
        assert.equal(mso.digestAlgorithm, 'SHA-256');
        const deviceKey = mso.deviceKeyInfo.deviceKey.jwk as { x: string };
        assert.equal(deviceKey.x, keys[i]!.jwk.x);
        const status = (mso.decodedStructure as unknown as { get(k: string): Map<string, Map<string, unknown>> }).get('status');
        const ref = status.get('status_list')!;
        assert.match(String(ref.get('uri')), new RegExp(`^${t.url}/status/`));
        statuses.push(Number(ref.get('idx')));
        for (const item of signed.getIssuerNamespace(ISO)!) {
          assert.ok(item.random.length >= 16);
          salts.add(Buffer.from(item.random).toString('hex'));
        }
        // The portrait is a byte string (a JPEG), dates are full-dates.
        const portrait = signed.getIssuerNamespace(ISO)!.find((x) => x.elementIdentifier === 'portrait')!.elementValue;
        assert.ok(portrait instanceof Uint8Array);
        assert.equal(Buffer.from(portrait).subarray(0, 2).toString('hex'), 'ffd8');
      }
      assert.notEqual(statuses[0], statuses[1], 'distinct status indices');
      assert.equal(salts.size, 2 * type.mdoc!.namespaces[ISO]!.length, 'every salt distinct');
    });

    it('refuses an mdoc proof signed by an Ed25519 key with invalid_proof, before anything is consumed', async () => {
      const type = t.runtime.catalog.get('resident-id')!;
      const { code } = await createOfferOverFormat(t, issuerKey, type.id, type.example, 'mso_mdoc');
      const token = (await tokenOver(t.url, code)).body.access_token as string;
      const n = (await postJson(`${t.url}/openid4vci/nonce`, {})).body.c_nonce as string;
      const before = await t.runtime.store.credentials.count();
      const res = await postJson(
        `${t.url}/openid4vci/credential`,
        {
          credential_configuration_id: 'resident-id-mso-mdoc',
          proofs: { jwt: [await proof(holderKey('Ed25519'), { aud: t.config.publicUrl, nonce: n })] },
        },
        token,
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_proof');
      assert.equal(await t.runtime.store.credentials.count(), before);
      // The same offer and nonce still work with a P-256 key.
      const ok = await postJson(
        `${t.url}/openid4vci/credential`,
        {
          credential_configuration_id: 'resident-id-mso-mdoc',
          proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: n })] },
        },
        token,
      );
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });

    it('issues each mobile ID over the back office (POST /v1/credentials format mso_mdoc), and the status list revokes it', async () => {
      for (const id of ['resident-id', 'civil-servant-id', 'foreign-resident-id', 'driver-license']) {
        const type = t.runtime.catalog.get(id)!;
        const key = holderKey();
        const res = await postJson(
          `${t.url}/v1/credentials`,
          { type: id, claims: type.example, format: 'mso_mdoc', holder_jwk: key.jwk },
          issuerKey,
        );
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.format, 'mso_mdoc');
        const signed = IssuerSigned.fromEncodedForOid4Vci(res.body.credential as string);
        assert.equal(signed.issuerAuth.mobileSecurityObject.docType, type.mdoc!.doctype);
        const ns = Object.keys(type.mdoc!.namespaces)[0]!;
        assert.equal(
          signed.getIssuerNamespace(ns)!.find((x) => x.elementIdentifier === 'family_name')!.elementValue,
          type.example.family_name,
        );
        const revoked = await postJson(`${t.url}/v1/credentials/${res.body.id as string}/revoke`, { reason: '분실' }, issuerKey);
        assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      }
    });

    it('refuses a back-office mdoc without a holder key, with an Ed25519 one, or with a P-256 key that is no curve point, with invalid_holder_jwk', async () => {
      const type = t.runtime.catalog.get('resident-id')!;
      const offCurve = badPublicJwks()
        .filter((c) => c.jwk.kty === 'EC')
        .map((c) => ({ holder_jwk: c.jwk }));
      assert.ok(offCurve.length > 0);
      const before = await t.runtime.store.credentials.count();
      for (const extra of [{}, { holder_jwk: holderKey('Ed25519').jwk }, ...offCurve]) {
        const res = await postJson(
          `${t.url}/v1/credentials`,
          { type: type.id, claims: type.example, format: 'mso_mdoc', ...extra },
          issuerKey,
        );
        assert.equal(res.status, 400);
        assert.equal(res.body.code, 'invalid_holder_jwk', JSON.stringify(extra));
      }
      assert.equal(await t.runtime.store.credentials.count(), before);
    });
  });
}

async function createOfferOverFormat(t: TestApp, apiKey: string, type: string, claims: unknown, format: string) {
  const o = await postJson(`${t.url}/v1/offers`, { type, claims, format }, apiKey);
  if (o.status !== 201) throw new Error(`offer: ${o.status} ${JSON.stringify(o.body)}`);
  const offer = await get(`${t.url}${new URL(o.body.credential_offer_uri as string).pathname}`);
  const grants = offer.body.grants as Record<string, { 'pre-authorized_code': string }>;
  return { code: grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']!['pre-authorized_code'] };
}
