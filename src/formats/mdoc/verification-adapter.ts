/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`) as the verification half of a CredentialFormat: a
 * DeviceResponse from an OpenID4VP 1.0 vp_token (Annex B.2). Each method is one check of the
 * pipeline (src/verification/verify-presentation.ts), in order:
 *
 * parse (hostile-CBOR walk, @owf/mdoc structure) → header (COSE alg allow-list) → issuer
 * (x5chain to a trusted IACA, issuerAuth signature, docType) → time (validityInfo) → status
 * (the MSO `status` entry) → holder binding (DeviceSignature over the OpenID4VP
 * SessionTranscript, device key through the public-key gate) → disclosures (every
 * IssuerSignedItem's digest) → the claims as `{ namespace: { element: value } }`, so DCQL paths
 * `[namespace, element]` select them.
 *
 * The issuance half (`mdocIssuance`) lives in issuance-adapter.ts; adapter.ts joins them.
 */
import type { KeyObject } from 'node:crypto';
import type { CredentialVerification, HolderBinding } from '../credential-format.js';
import { formatError } from '../error-codes.js';
import type { PublicJwk } from '../jose/check-public-jwk.js';
import { checkDocType, checkItemDigests, checkMsoValidity, readMsoStatus } from './check-mso.js';
import { parseDeviceResponse, type ParsedMdoc } from './parse-device-response.js';
import { readMdocClaims } from './parse-element-value.js';
import { isAllowedCoseAlg, verifyCoseSignature } from './verify-cose-signature.js';
import { openId4VpSessionTranscript, readDeviceKey, verifyDeviceSignature } from './verify-device-signature.js';
import { readX5chain, verifyIssuerCertificate, type MdocTrustAnchor } from './verify-issuer-certificate.js';
import { readAuthorityKeyIds } from '../x509/read-authority-key-ids.js';

export const MDOC_FORMAT = 'mso_mdoc';

/** The parsed DeviceResponse plus what the checks proved so far (only this adapter looks inside). */
export interface MdocPresentation {
  mdoc: ParsedMdoc;
  anchor?: MdocTrustAnchor;
  device?: { jwk: PublicJwk; key: KeyObject };
}

export const mdocVerification: CredentialVerification<MdocPresentation, typeof MDOC_FORMAT> = {
  id: MDOC_FORMAT,

  parsePresentation(text) {
    const mdoc = parseDeviceResponse(text);
    return mdoc && { mdoc };
  },
  parseNote: MDOC_FORMAT,

  /** RFC 9053 / ISO 18013-5 §9.1.2.4: the COSE algorithm is on our list before any crypto. */
  checkHeader(p) {
    const alg = p.mdoc.issuerAuth.alg;
    if (!isAllowedCoseAlg(alg)) throw formatError('mdoc_alg_not_allowed', `issuerAuth alg ${alg} is not accepted`);
  },

  /** Not known before the chain is verified: see verifyIssuerByCertificate. */
  issuer: (p) => p.anchor?.issuer ?? '',

  async verifyIssuerSignature() {
    throw formatError('mdoc_iaca_untrusted', 'an mdoc issuer is proven by its certificate chain');
  },

  /** ISO 18013-5 §9.3.1 steps 1–3: DS certificate chain to a trusted IACA, issuerAuth signature, docType. */
  verifyIssuerByCertificate(p, anchors, { clock }) {
    const { dsKey, anchor } = verifyIssuerCertificate(p.mdoc.issuerAuth, anchors, clock.now(), p.mdoc.mso.validityInfo.signed);
    // verifyCoseSignature first checks that the alg fits the DS key (mdoc_alg_not_allowed).
    if (!verifyCoseSignature(p.mdoc.issuerAuth, p.mdoc.issuerAuth.payload!, dsKey))
      throw formatError('mdoc_issuer_signature_invalid', 'the issuerAuth signature does not verify');
    checkDocType(p.mdoc);
    p.anchor = anchor;
    return anchor.issuer;
  },

  /** OpenID4VP 1.0 §6.1.1.1: the AuthorityKeyIdentifiers of the x5chain the mdoc carries (read after the chain verified). */
  authorityKeyIds: (p) => readAuthorityKeyIds(readX5chain(p.mdoc.issuerAuth)),

  issuerAuthorizedForType: (p, type) => p.anchor?.doctypes === undefined || p.anchor.doctypes.includes(type),

  credentialType: (p) => p.mdoc.docType,

  /** The catalogue types issued under this docType (a type file's `mdoc.doctype`). */
  catalogTypeIds: (_p, docType, catalog) => catalog.types.filter((t) => t.mdoc?.doctype === docType).map((t) => t.id),

  checkTime: (p, options) => checkMsoValidity(p.mdoc, options),

  statusReference: (p) => readMsoStatus(p.mdoc),

  holderBinding(p, keyCheck = {}): HolderBinding {
    p.device ??= readDeviceKey((p.mdoc.msoMap.get('deviceKeyInfo') as Map<unknown, unknown> | undefined)?.get('deviceKey'), keyCheck);
    const device = p.device;
    return {
      holderJwk: device.jwk,
      missingProof: () => formatError('mdoc_device_signature_invalid', 'an mdoc is always presented with its device signature'),
      proof: {
        // The nonce lives in the SessionTranscript, not in the response: a counter cannot bring one.
        claimedNonce: () => {
          throw formatError('mdoc_session_transcript_unavailable', 'an mdoc is verified over OpenID4VP only');
        },
        verify: async (expect) => {
          const jkt = expect.responseEncryptionJkt !== undefined && {
            jwkThumbprint: Buffer.from(expect.responseEncryptionJkt, 'base64url'),
          };
          // Annex B.2.6.2 over the DC API (origin, nonce, thumbprint), B.2.6.1 by redirect (client_id,
          // nonce, thumbprint, Response URI); at the counter there is neither.
          let transcript: Uint8Array;
          if (expect.dcApiOrigin !== undefined)
            transcript = openId4VpSessionTranscript({ origin: expect.dcApiOrigin, nonce: expect.nonce, ...jkt });
          else if (expect.responseUri !== undefined)
            transcript = openId4VpSessionTranscript({ clientId: expect.aud, nonce: expect.nonce, responseUri: expect.responseUri, ...jkt });
          else throw formatError('mdoc_session_transcript_unavailable', 'an mdoc is verified over OpenID4VP only');
          verifyDeviceSignature(p.mdoc, device.key, transcript);
          // The DeviceSignature carries no time of its own; the request's lifetime bounds it.
          return { iat: Math.floor(expect.clock.now() / 1000) };
        },
      },
    };
  },

  /** §9.3.1 step 4: every disclosed element matches its digest; the claims by namespace. */
  disclosedClaims(p) {
    checkItemDigests(p.mdoc);
    return { claims: readMdocClaims(p.mdoc.items), disclosedPaths: p.mdoc.items.map((i) => [i.namespace, i.elementIdentifier]) };
  },
};
