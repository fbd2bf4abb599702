/**
 * buildIssuerSigned encodes each IssuerSignedItem once and assembles the IssuerSigned itself (a
 * speed-up): the bytes must be exactly what @owf/mdoc makes of the same structure, and every
 * valueDigest the SHA-256 of the item's IssuerSignedItemBytes as carried.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { IssuerSigned } from '@owf/mdoc';
import type { JWK } from 'jose';
import { buildIssuerSigned } from '../../../src/formats/mdoc/build-issuer-signed.js';
import { createSigner } from '../../../src/keys/create-signer.js';
import { makeDocumentSigner, makeIaca, MDL, MDL_NS } from './mdoc-fixtures.js';

describe('buildIssuerSigned', () => {
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
