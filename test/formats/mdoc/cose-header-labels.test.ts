/**
 * RFC 9052 §3 on every COSE_Sign1 we read from an mdoc (issuerAuth, deviceSignature): "Labels in
 * each of the maps MUST be unique", and "the same label MUST NOT occur in both the protected and
 * unprotected headers". The unprotected header is not signed, so a label there that the protected
 * header also has (an `alg`, an `x5chain`) is a second, unsigned answer to the same question.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { cborDecode, cborEncode } from '@owf/mdoc';
import { readCoseSign1 } from '../../../src/formats/mdoc/parse-cose-sign1.js';
import { mdocVerification } from '../../../src/formats/mdoc/verification-adapter.js';
import { IndependentMdocParty, makeDeviceKey, makeDocumentSigner, makeIaca, MDL_NS } from './mdoc-fixtures.js';

const ALG = 1;
const KID = 4;
const X5CHAIN = 33;
const ES256 = -7;
const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const sign1 = (protectedBytes: Uint8Array, unprotected: Map<unknown, unknown>) => [protectedBytes, unprotected, hex('00'), hex('00')];
const PROTECTED_ALG = hex('a10126'); // {1: -7}
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('COSE_Sign1 header labels (RFC 9052 §3)', () => {
  it('reads a COSE_Sign1 whose labels are each in one header', () => {
    const s = readCoseSign1(sign1(PROTECTED_ALG, new Map<unknown, unknown>([[KID, hex('01')]])), 'issuerAuth');
    assert.equal(s.alg, ES256);
  });

  it('refuses a label in both the protected and the unprotected header, whatever its value', () => {
    for (const [label, value] of [
      [ALG, ES256],
      [ALG, -35],
    ] as const) {
      assert.throws(() => readCoseSign1(sign1(PROTECTED_ALG, new Map([[label, value]])), 'issuerAuth'), {
        code: 'mdoc_malformed',
        message: /issuerAuth has header label 1 in both its protected and unprotected header/,
      });
    }
    // A text label ("x"), and a label other than alg (kid, 4).
    const protectedTextAndKid = hex('a3012661781864' + '0441aa'); // {1: -7, "x": 100, 4: h'aa'}
    assert.equal(
      codeOf(() => readCoseSign1(sign1(protectedTextAndKid, new Map([['x', 1]])), 'deviceSignature')),
      'mdoc_malformed',
    );
    assert.equal(
      codeOf(() => readCoseSign1(sign1(protectedTextAndKid, new Map([[KID, hex('aa')]])), 'deviceSignature')),
      'mdoc_malformed',
    );
    // An x5chain in both: the unsigned one could name another document signer.
    const protectedAlgX5chain = hex('a201261821' + '41aa'); // {1: -7, 33: h'aa'}
    assert.equal(
      codeOf(() => readCoseSign1(sign1(protectedAlgX5chain, new Map([[X5CHAIN, hex('bb')]])), 'issuerAuth')),
      'mdoc_malformed',
    );
  });

  it('refuses a protected header with the same label twice', () => {
    // {1: -7, 1: -35}: a decoder keeps one of the two, and which is its own choice.
    assert.equal(
      codeOf(() => readCoseSign1(sign1(hex('a20126013822'), new Map()), 'issuerAuth')),
      'mdoc_cbor_duplicate_key',
    );
  });
});

describe('an mdoc DeviceResponse with a header label in both headers', () => {
  let party: IndependentMdocParty;
  let vp: string;
  let anchors: Parameters<NonNullable<typeof mdocVerification.verifyIssuerByCertificate>>[1];

  beforeAll(async () => {
    party = new IndependentMdocParty();
    const iaca = await makeIaca();
    const [ds, device] = await Promise.all([makeDocumentSigner(iaca), makeDeviceKey()]);
    const mdoc = await party.issue({ ds, deviceJwk: device.publicJwk });
    anchors = [{ certificate: new X509Certificate(iaca.pem), issuer: 'x509_hash:test', doctypes: undefined }];
    vp = await party.present({
      mdoc,
      fields: [[MDL_NS, 'birth_date']],
      deviceJwk: device.privateJwk,
      transcript: { clientId: 'x509_hash:verifier', nonce: 'aNonceOfTheVerifier-0123456789', responseUri: 'https://v.example/r' },
    });
  });
  afterAll(() => party?.close());

  /** `vp` with `label: value` added to the unprotected header of one of its COSE_Sign1 (not signed, so every signature still holds). */
  const withUnprotected = (which: 'issuerAuth' | 'deviceSignature', label: number, value: unknown): string => {
    const response = cborDecode(Buffer.from(vp, 'base64url')) as Map<string, unknown>;
    const document = (response.get('documents') as Map<string, unknown>[])[0]!;
    const s =
      which === 'issuerAuth'
        ? ((document.get('issuerSigned') as Map<string, unknown>).get('issuerAuth') as unknown[])
        : (((document.get('deviceSigned') as Map<string, unknown>).get('deviceAuth') as Map<string, unknown>).get(
            'deviceSignature',
          ) as unknown[]);
    (s[1] as Map<unknown, unknown>).set(label, value);
    return Buffer.from(cborEncode(response)).toString('base64url');
  };
  const verifiedIssuer = (text: string) => {
    const p = mdocVerification.parsePresentation(text)!;
    mdocVerification.checkHeader(p);
    return mdocVerification.verifyIssuerByCertificate!(p, anchors, { clock: { now: () => Date.now() }, skewSeconds: 60 });
  };

  it('verifies the issuer when the added label is in the unprotected header only (the mutation itself breaks nothing)', () => {
    assert.equal(verifiedIssuer(vp), 'x509_hash:test');
    assert.equal(verifiedIssuer(withUnprotected('issuerAuth', KID, new Uint8Array([1]))), 'x509_hash:test');
    assert.ok(mdocVerification.parsePresentation(withUnprotected('deviceSignature', KID, new Uint8Array([1]))));
  });

  for (const which of ['issuerAuth', 'deviceSignature'] as const) {
    it(`refuses ${which} with alg in both headers with mdoc_malformed`, () => {
      assert.throws(() => verifiedIssuer(withUnprotected(which, ALG, ES256)), {
        code: 'mdoc_malformed',
        message: new RegExp(`${which} has header label 1 in both`),
      });
    });
  }
});
