/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`) as the registry holds it: the issuance half (`mdocIssuance`,
 * issuance-adapter.ts) and the verification half (`mdocVerification`, verification-adapter.ts).
 *
 * The verification half's code (@owf/mdoc, whose zod schemas are built while it loads: 40–130 ms
 * of a start, and cbor-x) is loaded when the first presentation that can be an mdoc arrives: the
 * parse check awaits `loadParser` first, and every other check runs on a parsed mdoc, so after it.
 */
import type { CredentialFormat } from '../credential-format.js';
import { mdocIssuance } from './issuance-adapter.js';
import { looksLikeDeviceResponse } from './looks-like-device-response.js';
import { MSO_MDOC } from './mdoc-constants.js';
import type { MdocPresentation } from './verification-adapter.js';

type Verification = (typeof import('./verification-adapter.js'))['mdocVerification'];

let verification: Verification | undefined;
let loading: Promise<Verification> | undefined;

/** Loads the verification half (once). */
export const loadMdocVerification = (): Promise<Verification> =>
  (loading ??= import('./verification-adapter.js').then((m) => (verification = m.mdocVerification)));

/** The loaded verification half: a parsed mdoc exists only after it loaded. */
function loaded(): Verification {
  if (!verification) throw new Error('the mdoc verification code is not loaded (await loadParser first)');
  return verification;
}

export const mdocFormat: CredentialFormat<MdocPresentation, typeof MSO_MDOC> = {
  ...mdocIssuance,
  parseNote: MSO_MDOC,
  loadParser: (text) => (verification || !looksLikeDeviceResponse(text) ? undefined : loadMdocVerification()),
  parsePresentation: (text) => (looksLikeDeviceResponse(text) ? loaded().parsePresentation(text) : undefined),
  checkHeader: (p) => loaded().checkHeader(p),
  issuer: (p) => loaded().issuer(p),
  verifyIssuerSignature: (p, resolveKey) => loaded().verifyIssuerSignature(p, resolveKey),
  verifyIssuerByCertificate: (p, anchors, options) => loaded().verifyIssuerByCertificate!(p, anchors, options),
  authorityKeyIds: (p) => loaded().authorityKeyIds!(p),
  issuerAuthorizedForType: (p, type) => loaded().issuerAuthorizedForType!(p, type),
  credentialType: (p) => loaded().credentialType(p),
  catalogTypeIds: (p, type, catalog) => loaded().catalogTypeIds(p, type, catalog),
  checkTime: (p, options) => loaded().checkTime(p, options),
  statusReference: (p) => loaded().statusReference(p),
  holderBinding: (p, keyCheck) => loaded().holderBinding(p, keyCheck),
  disclosedClaims: (p) => loaded().disclosedClaims(p),
};
