/**
 * The mdoc adapter's checks in process, on a DeviceResponse from @auth0/mdl: the SessionTranscript
 * binds the verifier's encryption key thumbprint when the response was encrypted (OpenID4VP 1.0
 * Annex B.2.6.1), and the claims come out by namespace.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
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

  beforeAll(async () => {
    party = new IndependentMdocParty();
    const iaca = await makeIaca();
    const [ds, device] = await Promise.all([makeDocumentSigner(iaca), makeDeviceKey()]);
    const mdoc = await party.issue({ ds, deviceJwk: device.publicJwk });
    const anchors = [{ certificate: new X509Certificate(iaca.pem), issuer: 'x509_hash:test', doctypes: undefined }];
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
});
