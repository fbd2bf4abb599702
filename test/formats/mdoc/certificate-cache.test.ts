/**
 * The x5chain checks keep parsed certificates and their usage and issuer-signature outcomes by
 * DER (x509/certificate-cache.ts): a refusal must stay a refusal on every later presentation, and an
 * accepted chain is still checked against the clock and the trust list each time.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { verifyIssuerCertificate, type MdocTrustAnchor } from '../../../src/formats/mdoc/verify-issuer-certificate.js';
import type { CoseSign1 } from '../../../src/formats/mdoc/parse-cose-sign1.js';
import { makeDocumentSigner, makeIaca } from './mdoc-fixtures.js';

const issuerAuth = (...chain: Uint8Array[]) =>
  ({ protectedHeader: new Map(), unprotectedHeader: new Map([[33, chain.length === 1 ? chain[0] : chain]]) }) as unknown as CoseSign1;
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'accepted';
};

describe('mdoc x5chain checks with the certificate cache', () => {
  it('refuses the same bad chain every time, accepts a good one only while valid and trusted', async () => {
    const iaca = await makeIaca();
    const other = await makeIaca('CN=Other IACA, C=KR');
    const ds = await makeDocumentSigner(iaca);
    const iacaCert = new X509Certificate(iaca.pem);
    const dsDer = new X509Certificate(ds.pem).raw;
    const anchors: MdocTrustAnchor[] = [{ certificate: iacaCert, issuer: 'ours', doctypes: undefined }];
    const now = Date.now();
    const signed = new Date(now);
    for (let i = 0; i < 3; i++) {
      // A CA presented as the document signer.
      assert.equal(
        code(() => verifyIssuerCertificate(issuerAuth(iacaCert.raw), anchors, now, signed)),
        'mdoc_certificate_invalid',
      );
      // The DS under an IACA we do not trust.
      const otherAnchors = [{ certificate: new X509Certificate(other.pem), issuer: 'other', doctypes: undefined }];
      assert.equal(
        code(() => verifyIssuerCertificate(issuerAuth(dsDer), otherAnchors, now, signed)),
        'mdoc_iaca_untrusted',
      );
      assert.equal(verifyIssuerCertificate(issuerAuth(dsDer), anchors, now, signed).anchor.issuer, 'ours');
      // The same accepted chain, read at a time outside its validity.
      const later = now + 20 * 365 * 86400_000;
      assert.equal(
        code(() => verifyIssuerCertificate(issuerAuth(dsDer), anchors, later, signed)),
        'mdoc_certificate_invalid',
      );
    }
  });

  it("refuses a document signer whose countryName is not its IACA's, or that names none or two (ISO 18013-5 Annex B.1.4)", async () => {
    const iaca = await makeIaca('CN=Test IACA, C=KR');
    const anchors: MdocTrustAnchor[] = [{ certificate: new X509Certificate(iaca.pem), issuer: 'ours', doctypes: undefined }];
    const now = Date.now();
    const verdict = async (subject: string) => {
      const ds = await makeDocumentSigner(iaca, { subject });
      return code(() => verifyIssuerCertificate(issuerAuth(new X509Certificate(ds.pem).raw), anchors, now, new Date(now)).anchor.issuer);
    };
    assert.equal(await verdict('CN=Test DS, O=Seoul, C=KR'), 'accepted');
    assert.equal(await verdict('CN=Test DS, C=kr'), 'accepted'); // X.520 countryName matches ignoring case
    assert.equal(await verdict('CN=Test DS, C=US'), 'mdoc_certificate_invalid');
    assert.equal(await verdict('CN=Test DS'), 'mdoc_certificate_invalid');
    assert.equal(await verdict('CN=Test DS, C=KR, C=US'), 'mdoc_certificate_invalid');
    // An IACA without a country (Annex B.1.2 makes it mandatory) vouches for no DS.
    const bare = await makeIaca('CN=Bare IACA');
    const ds = await makeDocumentSigner(bare, { subject: 'CN=Test DS, C=KR' });
    const bareAnchors = [{ certificate: new X509Certificate(bare.pem), issuer: 'bare', doctypes: undefined }];
    assert.equal(
      code(() => verifyIssuerCertificate(issuerAuth(new X509Certificate(ds.pem).raw), bareAnchors, now, new Date(now))),
      'mdoc_certificate_invalid',
    );
  });
});
