/**
 * The mdoc adapter's checks in process, on a DeviceResponse from @auth0/mdl: the SessionTranscript
 * binds the verifier's encryption key thumbprint when the response was encrypted (OpenID4VP 1.0
 * Annex B.2.6.1), and the claims come out by namespace.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { cborDecode, cborEncode, type DataItem } from '@owf/mdoc';
import { mdocVerification, type MdocPresentation } from '../../../src/formats/mdoc/verification-adapter.js';
import { IndependentMdocParty, makeDeviceKey, makeDocumentSigner, makeIaca, MDL_NS } from './mdoc-fixtures.js';

const clock = { now: () => Date.now() };
const transcript = {
  clientId: 'decentralized_identifier:did:web:verifier.example',
  nonce: 'aNonceOfTheVerifier-0123456789',
  responseUri: 'https://verifier.example/openid4vp/response',
};
const JKT = 'QoPskkrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc';

describe('the mdoc verification adapter', () => {
  let party: IndependentMdocParty;
  let present: (jwkThumbprint?: string) => Promise<MdocPresentation>;
  let validVp: string;
  let anchorsOf: () => Parameters<NonNullable<typeof mdocVerification.verifyIssuerByCertificate>>[1];

  beforeAll(async () => {
    party = new IndependentMdocParty();
    const iaca = await makeIaca();
    const [ds, device] = await Promise.all([makeDocumentSigner(iaca), makeDeviceKey()]);
    const mdoc = await party.issue({ ds, deviceJwk: device.publicJwk });
    const anchors = [{ certificate: new X509Certificate(iaca.pem), issuer: 'x509_hash:test', doctypes: undefined }];
    anchorsOf = () => anchors;
    validVp = await party.present({
      mdoc,
      fields: [
        [MDL_NS, 'family_name'],
        [MDL_NS, 'birth_date'],
      ],
      deviceJwk: device.privateJwk,
      transcript,
    });
    present = async (jwkThumbprint) => {
      const vp = await party.present({
        mdoc,
        fields: [[MDL_NS, 'birth_date']],
        deviceJwk: device.privateJwk,
        transcript: { ...transcript, ...(jwkThumbprint && { jwkThumbprint }) },
      });
      const p = mdocVerification.parsePresentation(vp)!;
      mdocVerification.checkHeader(p);
      assert.equal(mdocVerification.verifyIssuerByCertificate!(p, anchors, { clock, skewSeconds: 60 }), 'x509_hash:test');
      return p;
    };
  });
  afterAll(() => party?.close());

  const verify = (p: MdocPresentation, responseEncryptionJkt?: string) =>
    mdocVerification.holderBinding(p)!.proof!.verify({
      aud: transcript.clientId,
      nonce: transcript.nonce,
      responseUri: transcript.responseUri,
      ...(responseEncryptionJkt && { responseEncryptionJkt }),
      clock,
      skewSeconds: 60,
      maxAgeSeconds: 120,
    });

  it('binds the encryption key thumbprint of an encrypted response, and null otherwise', async () => {
    const encrypted = await present(JKT);
    await verify(encrypted, JKT);
    await assert.rejects(verify(encrypted), { code: 'mdoc_device_signature_invalid' });
    const plain = await present();
    await verify(plain);
    await assert.rejects(verify(plain, JKT), { code: 'mdoc_device_signature_invalid' });
  });

  it('gives the disclosed elements by namespace, a full-date as YYYY-MM-DD', async () => {
    const p = await present();
    const { claims, disclosedPaths } = mdocVerification.disclosedClaims(p);
    assert.deepEqual(disclosedPaths, [[MDL_NS, 'birth_date']]);
    assert.deepEqual(claims, { [MDL_NS]: { birth_date: '1990-03-01' } });
  });

  it('refuses an issuerAuth whose MSO payload is not wrapped in tag 24 (MobileSecurityObjectBytes)', () => {
    const response = cborDecode(Buffer.from(validVp, 'base64url')) as Map<string, unknown>;
    const document = (response.get('documents') as Map<string, unknown>[])[0]!;
    const issuerAuth = (document.get('issuerSigned') as Map<string, unknown>).get('issuerAuth') as unknown[];
    const tagged = cborDecode(issuerAuth[2] as Uint8Array, { unwrapTopLevelDataItem: false }) as DataItem;
    issuerAuth[2] = tagged.buffer; // the MSO map itself, untagged
    assert.throws(() => mdocVerification.parsePresentation(Buffer.from(cborEncode(response)).toString('base64url')), {
      code: 'mdoc_malformed',
      message: /not a MobileSecurityObject/,
    });
  });

  /** The valid DeviceResponse decoded, changed by `change`, encoded again (tag 24 items keep their bytes). */
  const changed = (change: (response: Map<unknown, unknown>) => void): string => {
    const response = cborDecode(Buffer.from(validVp, 'base64url')) as Map<unknown, unknown>;
    change(response);
    return Buffer.from(cborEncode(response)).toString('base64url');
  };
  const parseCode = (text: string): string => {
    try {
      mdocVerification.parsePresentation(text);
      return 'parsed';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it("refuses a DeviceResponse whose status is the wallet's error although it holds a document (ISO 18013-5 §8.3.2.1.2.3)", () => {
    assert.equal(parseCode(changed(() => {})), 'parsed');
    for (const status of [10, 11, 12]) assert.equal(parseCode(changed((r) => r.set('status', status))), 'mdoc_device_response_error');
  });

  it('refuses a DeviceResponse of a version other than "1.0" (ISO 18013-5 §8.3.2.1.2.2)', () => {
    assert.equal(parseCode(changed((r) => r.set('version', '1.0'))), 'parsed');
    for (const version of ['2.0', '1.1', '1.0.0', '1', ' 1.0', ''])
      assert.equal(parseCode(changed((r) => r.set('version', version))), 'mdoc_malformed', version);
  });

  it('refuses a member nothing reads whose map key is a byte string or whose tdate or full-date is no RFC 3339 date', () => {
    const valid = Buffer.from(validVp, 'base64url');
    assert.ok(valid[0]! >= 0xa0 && valid[0]! < 0xb7); // a map of fewer than 23 members: one more fits in its head
    /** The DeviceResponse with one more member, `hex` (key and value) after the others. */
    const withMember = (hex: string) => {
      const b = Buffer.concat([valid, Buffer.from(hex, 'hex')]);
      b[0] = valid[0]! + 1;
      return b.toString('base64url');
    };
    const text = (t: string) => (0x60 + t.length).toString(16) + Buffer.from(t).toString('hex');
    assert.equal(parseCode(withMember(text('x') + 'c0' + text('2026-01-02T03:04:05Z'))), 'parsed');
    assert.equal(parseCode(withMember(text('x') + 'd903ec' + text('1990-02-28'))), 'parsed');
    assert.equal(parseCode(withMember('4100' + '01')), 'mdoc_malformed'); // h'00': 1
    assert.equal(parseCode(withMember(text('x') + 'c0' + text('not a date'))), 'mdoc_malformed');
    assert.equal(parseCode(withMember(text('x') + 'c0' + '00')), 'mdoc_malformed'); // 0(0)
    assert.equal(parseCode(withMember(text('x') + 'c0' + text('2026-01-02'))), 'mdoc_malformed');
    assert.equal(parseCode(withMember(text('x') + 'd903ec' + text('1990-02-30'))), 'mdoc_malformed');
  });

  it('refuses the DeviceResponse cut short at any byte as truncated CBOR', () => {
    const valid = Buffer.from(validVp, 'base64url');
    const codes = new Set<string>();
    for (let n = 1; n < valid.length; n++) codes.add(parseCode(valid.subarray(0, n).toString('base64url')));
    assert.deepEqual([...codes], ['mdoc_cbor_malformed']);
  });

  it('answers every mutation of a DeviceResponse with a 400 code, never another error (SECURITY.md: no 500)', async () => {
    let seed = 0x5eed;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const valid = Buffer.from(validVp, 'base64url');
    const codes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const b = Buffer.from(valid);
      const kind = i % 4;
      if (kind === 0) b[rnd(b.length)] ^= 1 << rnd(8);
      else if (kind === 1) b[rnd(b.length)] = rnd(256);
      const bytes =
        kind === 2
          ? b.subarray(0, rnd(b.length))
          : kind === 3
            ? Buffer.concat([b.subarray(0, rnd(b.length)), b.subarray(rnd(b.length))])
            : b;
      let code = 'verified';
      try {
        const p = mdocVerification.parsePresentation(bytes.toString('base64url'));
        if (!p) {
          code = 'not_mdoc';
        } else {
          mdocVerification.checkHeader(p);
          mdocVerification.verifyIssuerByCertificate!(p, anchorsOf(), { clock, skewSeconds: 60 });
          mdocVerification.checkTime(p, { clock, skewSeconds: 60 });
          mdocVerification.statusReference(p);
          await verify(p);
          mdocVerification.disclosedClaims(p);
        }
      } catch (e) {
        const err = e as { status?: number; code?: unknown };
        assert.equal(err.status, 400, `mutation ${i}: ${String((e as Error).stack)}`);
        assert.equal(typeof err.code, 'string');
        code = err.code as string;
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    assert.ok(codes.size > 3, JSON.stringify([...codes]));
  });
});
