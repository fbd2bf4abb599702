/**
 * The SD-JWT VC x5c checks keep parsed certificates, what is read from them and issuer-signature
 * outcomes by DER (x509/certificate-cache.ts, shared with the mdoc x5chain): a refusal must stay
 * the same refusal on every later presentation, and an accepted chain is still checked against
 * the clock, the trust list and the token's `iss` each time.
 */
import 'reflect-metadata';
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { checkIssuerX5c, type IssuerCaAnchor } from '../../../src/formats/x509/verify-jws-x5c.js';
import { buildIacaCertificate, buildEndEntityCertificate } from '../../../src/keys/build-mdoc-certificate.js';
import { buildIssuerCertificate } from '../../../src/keys/build-issuer-certificate.js';
import { code, newSigner } from '../helpers.js';

const ISS = 'https://issuer.example';
const DAY = 86_400_000;

describe('issuer x5c checks with the certificate cache', () => {
  it('refuses the same bad chain with the same code every time, accepts a good one only while valid, trusted and naming iss', async () => {
    const now = Date.now();
    const subject = { country: 'KR', commonName: 'issuer', uri: ISS };
    const ca = await newSigner();
    const caCert = await buildIacaCertificate(ca.signer, subject, now);
    const other = await newSigner();
    const otherCert = await buildIacaCertificate(other.signer, subject, now);
    const key = await newSigner();
    const b64 = (c: x509.X509Certificate) => Buffer.from(c.rawData).toString('base64');
    const leaf = b64(await buildIssuerCertificate(key.signer.publicJwk, caCert, ca.signer, subject, now));
    const noSign = b64(
      await buildEndEntityCertificate(key.signer.publicJwk, caCert, ca.signer, subject, now, 30, [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: ISS }]),
      ]),
    );
    const anchor = (c: x509.X509Certificate): IssuerCaAnchor => ({
      certificate: new X509Certificate(Buffer.from(c.rawData)),
      mayCertify: () => true,
      mayIssue: () => true,
    });
    const ours = [anchor(caCert)];
    for (let i = 0; i < 3; i++) {
      assert.equal(checkIssuerX5c([leaf], ISS, ours, now).anchor, ours[0]);
      assert.throws(() => checkIssuerX5c([leaf], ISS, [anchor(otherCert)], now), code('issuer_certificate_untrusted'));
      assert.throws(() => checkIssuerX5c([leaf], ISS, ours, now + 6 * 365 * DAY), code('issuer_certificate_expired'));
      assert.throws(() => checkIssuerX5c([leaf], 'https://other.example', ours, now), code('issuer_certificate_san_mismatch'));
      assert.throws(() => checkIssuerX5c([noSign], ISS, ours, now), code('issuer_certificate_usage_invalid'));
      assert.throws(() => checkIssuerX5c([b64(caCert)], ISS, ours, now), code('issuer_certificate_invalid'));
    }
    // The key handed out is a copy: changing it does not change what the next check returns.
    const jwk = checkIssuerX5c([leaf], ISS, ours, now).jwk;
    jwk.x = 'changed';
    assert.equal(checkIssuerX5c([leaf], ISS, ours, now).jwk.x, key.signer.publicJwk.x);
  });
});
