/**
 * What a wallet checks of an mdoc it receives (ISO/IEC 18013-5 §9.3.1, holder side): the
 * issuerAuth COSE_Sign1 (ES256) verifies with the document signer certificate of its x5chain,
 * every IssuerSignedItem's digest is the MSO's, the docType is the configuration's, and the MSO's
 * device key is the wallet's own key. The chain from the DS certificate to the issuer's IACA is
 * the verifier's check (it holds the trust list); the wallet keeps what the issuer it asked sent.
 */
import { hash, verify, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { cborDecode } from '@owf/mdoc';
import { checkCborLimits } from '../formats/mdoc/check-cbor-limits.js';
import { readCoseSign1 } from '../formats/mdoc/parse-cose-sign1.js';
import { readHeldMdoc } from './read-held-mdoc.js';
import { failed } from './wallet-http.js';

export async function checkReceivedMdoc(credential: string, expected: { docType: unknown; keyKid: string | undefined }) {
  let held;
  try {
    // The verifier's own walk and COSE_Sign1 reader first (hostile CBOR, RFC 9052 §3 header rules:
    // no label twice, none in both headers), so the wallet keeps nothing a verifier would refuse.
    const bytes = new Uint8Array(Buffer.from(credential, 'base64url'));
    checkCborLimits(bytes);
    const raw: unknown = cborDecode(bytes);
    readCoseSign1(raw instanceof Map ? raw.get('issuerAuth') : undefined, 'issuerAuth');
    held = readHeldMdoc(credential);
  } catch {
    throw failed('the issuer sent an mdoc that is not a well-formed base64url IssuerSigned');
  }
  const auth = held.issuerSigned.issuerAuth;
  const ds = auth.certificateChain[0];
  if (!ds || auth.signatureAlgorithmName !== 'ES256') throw failed('the mdoc has no ES256 issuerAuth with a document signer certificate');
  const ok = verify('sha256', auth.toBeSigned, { key: new X509Certificate(ds).publicKey, dsaEncoding: 'ieee-p1363' }, auth.signature);
  if (!ok) throw failed('the mdoc issuer signature does not verify');
  const digests = auth.mobileSecurityObject.valueDigests;
  for (const [ns, items] of held.issuerSigned.issuerNamespaces.issuerNamespaces) {
    for (const item of items) {
      const d = hash('sha256', item.encode({ asDataItem: true }), 'buffer');
      const want = digests.getDigestForNamespace(ns, item.digestId);
      if (!want || !d.equals(Buffer.from(want))) throw failed(`the mdoc element ${ns}/${item.elementIdentifier} does not match its digest`);
    }
  }
  if (held.docType !== expected.docType) throw failed('the mdoc is of another docType than the configuration');
  if (!expected.keyKid || (await calculateJwkThumbprint(held.deviceJwk, 'sha256')) !== expected.keyKid)
    throw failed('the mdoc is not bound to our key');
  return { kind: held.docType, expiresAt: held.validUntil.toISOString() };
}
