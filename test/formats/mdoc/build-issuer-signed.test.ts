/**
 * buildIssuerSigned writes the IssuerSignedItems, the MSO and the issuerAuth COSE_Sign1 with cbor-x
 * itself (a speed-up over @owf/mdoc's zod codecs): the bytes must be exactly what @owf/mdoc makes
 * of the same structures (as the issuer built them before, through @owf/mdoc's classes), every
 * valueDigest the SHA-256 of the item's IssuerSignedItemBytes as carried, and the signature good
 * over @owf/mdoc's own Sig_structure.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import {
  DeviceKey,
  DeviceKeyInfo,
  Header,
  IssuerSigned,
  MobileSecurityObject,
  ProtectedHeaders,
  ValidityInfo,
  ValueDigests,
} from '@owf/mdoc';
import type { JWK } from 'jose';
import { buildIssuerSigned } from '../../../src/formats/mdoc/build-issuer-signed.js';
import { createSigner } from '../../../src/keys/create-signer.js';
import { makeDocumentSigner, makeIaca, MDL, MDL_NS } from './mdoc-fixtures.js';

async function issue(x5chainOf: (ds: X509Certificate, iaca: X509Certificate) => Uint8Array[]) {
  const iaca = await makeIaca();
  const ds = await makeDocumentSigner(iaca);
  const { x, y } = ds.privateJwk;
  const signer = createSigner('ds', 'ES256', { kty: 'EC', crv: 'P-256', x, y }, createPrivateKey({ key: ds.privateJwk, format: 'jwk' }));
  const deviceJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
  const dsCert = new X509Certificate(ds.pem);
  const x5chain = x5chainOf(dsCert, new X509Certificate(iaca.pem));
  const bytes = await buildIssuerSigned({
    docType: MDL,
    namespaces: { [MDL_NS]: ['family_name', 'birth_date'], 'kr.example.1': ['age_over_19'] },
    encodings: { birth_date: 'full-date' },
    claims: { family_name: '홍', birth_date: '1990-01-02', age_over_19: true },
    signedAt: Date.parse('2026-01-01T00:00:00.750Z'),
    validUntil: Date.parse('2027-01-01T12:34:56Z'),
    deviceJwk,
    status: { idx: 42, uri: 'https://issuer.example/status/3' },
    signer,
    x5chain,
  });
  return { bytes, deviceJwk, dsCert, x5chain };
}

describe('buildIssuerSigned', () => {
  it('writes the MSO and the COSE_Sign1 as @owf/mdoc makes them, signed over its Sig_structure', async () => {
    const { bytes, deviceJwk, dsCert } = await issue((ds) => [ds.raw]);
    const issuerAuth = IssuerSigned.decode(bytes).issuerAuth;
    const mso = issuerAuth.mobileSecurityObject;

    // The same MSO built the way the issuer built it before (through @owf/mdoc's classes) from the
    // same inputs and the digests we carry: byte for byte the payload we signed.
    const before = MobileSecurityObject.create({
      digestAlgorithm: 'SHA-256',
      docType: MDL,
      valueDigests: ValueDigests.create({ digests: mso.valueDigests.valueDigests }),
      validityInfo: ValidityInfo.create({
        signed: new Date('2026-01-01T00:00:00Z'),
        validFrom: new Date('2026-01-01T00:00:00Z'),
        validUntil: new Date('2027-01-01T12:34:56Z'),
      }),
      deviceKeyInfo: DeviceKeyInfo.create({ deviceKey: DeviceKey.fromJwk({ kty: 'EC', crv: 'P-256', x: deviceJwk.x!, y: deviceJwk.y! }) }),
    });
    (before.decodedStructure as unknown as Map<string, unknown>).set(
      'status',
      new Map([
        [
          'status_list',
          new Map<string, unknown>([
            ['idx', 42],
            ['uri', 'https://issuer.example/status/3'],
          ]),
        ],
      ]),
    );
    assert.deepEqual(Buffer.from(issuerAuth.payload!), Buffer.from(before.encode({ asDataItem: true })));

    // And what @owf/mdoc reads out of it.
    assert.equal(mso.version, '1.0');
    assert.equal(mso.digestAlgorithm, 'SHA-256');
    assert.equal(mso.docType, MDL);
    assert.deepEqual([...mso.valueDigests.valueDigests.keys()], [MDL_NS, 'kr.example.1']);
    assert.equal(mso.validityInfo.signed.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(mso.validityInfo.validFrom.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(mso.validityInfo.validUntil.toISOString(), '2027-01-01T12:34:56.000Z');
    const deviceKey = mso.deviceKeyInfo.deviceKey.jwk;
    assert.deepEqual([deviceKey.kty, deviceKey.crv, deviceKey.x, deviceKey.y], ['EC', 'P-256', deviceJwk.x, deviceJwk.y]);
    assert.deepEqual(
      (mso.decodedStructure as unknown as Map<string, unknown>).get('status'),
      new Map([
        [
          'status_list',
          new Map<string, unknown>([
            ['idx', 42],
            ['uri', 'https://issuer.example/status/3'],
          ]),
        ],
      ]),
    );

    // COSE_Sign1: protected {1: -7} as @owf/mdoc encodes it, the DS alone in x5chain (a bstr).
    const protectedBefore = ProtectedHeaders.create({ protectedHeaders: new Map([[Header.Algorithm, -7]]) });
    assert.deepEqual(Buffer.from(issuerAuth.protectedHeaders.encodedStructure), Buffer.from(protectedBefore.encodedStructure));
    const unprotected = issuerAuth.unprotectedHeaders.headers;
    assert.deepEqual([...unprotected.keys()], [Header.X5Chain]);
    assert.deepEqual(Buffer.from(unprotected.get(Header.X5Chain) as Uint8Array), dsCert.raw);
    assert.equal(issuerAuth.signatureAlgorithmName, 'ES256');
    assert.deepEqual(
      issuerAuth.certificateChain.map((c) => Buffer.from(c)),
      [dsCert.raw],
    );
    // RFC 9052 §4.4: the signature is the DS key's r‖s over @owf/mdoc's own Sig_structure.
    assert.equal(issuerAuth.signature.length, 64);
    assert.ok(verify('sha256', issuerAuth.toBeSigned, { key: dsCert.publicKey, dsaEncoding: 'ieee-p1363' }, issuerAuth.signature));
  });

  it('carries a longer x5chain as an array of certificates (RFC 9360 §2)', async () => {
    const { bytes, x5chain } = await issue((ds, iaca) => [ds.raw, iaca.raw]);
    const decoded = IssuerSigned.decode(bytes);
    assert.deepEqual(Buffer.from(decoded.encode()), Buffer.from(bytes));
    assert.deepEqual(
      decoded.issuerAuth.certificateChain.map((c) => Buffer.from(c)),
      x5chain.map((c) => Buffer.from(c)),
    );
  });

  it('makes the bytes @owf/mdoc makes of the same IssuerSigned, with digests over the items as carried', async () => {
    const iaca = await makeIaca();
    const ds = await makeDocumentSigner(iaca);
    const { x, y } = ds.privateJwk;
    const signer = createSigner('ds', 'ES256', { kty: 'EC', crv: 'P-256', x, y }, createPrivateKey({ key: ds.privateJwk, format: 'jwk' }));
    const deviceJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
    const bytes = await buildIssuerSigned({
      docType: MDL,
      namespaces: { [MDL_NS]: ['family_name', 'birth_date', 'portrait'], 'kr.example.1': ['age_over_19'] },
      encodings: { birth_date: 'full-date', portrait: 'bytes' },
      claims: { family_name: '홍', birth_date: '1990-01-02', portrait: 'AAEC', age_over_19: true },
      signedAt: Date.parse('2026-01-01T00:00:00Z'),
      validUntil: Date.parse('2027-01-01T00:00:00Z'),
      deviceJwk,
      status: { idx: 7, uri: 'https://issuer.example/status/1' },
      signer,
      x5chain: [new X509Certificate(ds.pem).raw],
    });
    const decoded = IssuerSigned.decode(bytes);
    assert.deepEqual(Buffer.from(decoded.encode()), Buffer.from(bytes));
    const mso = decoded.issuerAuth.mobileSecurityObject;
    let n = 0;
    for (const ns of [MDL_NS, 'kr.example.1']) {
      for (const item of decoded.getIssuerNamespace(ns)!) {
        const expected = createHash('sha256')
          .update(item.encode({ asDataItem: true }))
          .digest();
        assert.deepEqual(Buffer.from(mso.valueDigests.valueDigests.get(ns)!.get(item.digestId)!), expected);
        n++;
      }
    }
    assert.equal(n, 4);
  });
});
