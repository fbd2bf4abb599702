/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`) as the issuance half of a CredentialFormat (OpenID4VCI
 * Appendix A.2): a type's mdoc configuration is `<id>-mso-mdoc`, with its `doctype`, COSE
 * algorithm ids, key-bound with a `jwt` proof of a P-256 key; the credential is the base64url
 * CBOR `IssuerSigned` (§A.2.4), signed by the document signer with its x5chain.
 *
 * The verification half (`mdocVerification`) lives in verification-adapter.ts; adapter.ts joins them.
 *
 * The CBOR builder (with @owf/mdoc, whose zod schemas are built while it loads, and cbor-x) is
 * imported at the first build, not with this module: a server that issues no mdoc never loads it.
 */
import type { JWK } from 'jose';
import type { CredentialIssuance } from '../credential-format.js';
import { formatError } from '../error-codes.js';
import { checkPublicJwk } from '../jose/check-public-jwk.js';
import { COSE_ES256, MSO_MDOC } from './mdoc-constants.js';

/** Our mdoc configuration id of a type. */
const CONFIGURATION_SUFFIX = '-mso-mdoc';

/** ISO/IEC 18013-5 §9.1.2.4 / §9.1.3.6: a device key of curve P-256 (the one curve every reader supports). */
const isP256 = (jwk: JWK): boolean => jwk.kty === 'EC' && jwk.crv === 'P-256';

let builder: Promise<typeof import('./build-issuer-signed.js')> | undefined;
const loadBuilder = () => (builder ??= import('./build-issuer-signed.js'));

export const mdocIssuance: CredentialIssuance<typeof MSO_MDOC> = {
  id: MSO_MDOC,
  documentSigned: true,
  acceptsHolderKey: isP256,

  keyBound: true,
  configurationId: (typeId) => `${typeId}${CONFIGURATION_SUFFIX}`,
  typeIdOfConfiguration: (configurationId) =>
    configurationId.endsWith(CONFIGURATION_SUFFIX) ? configurationId.slice(0, -CONFIGURATION_SUFFIX.length) : undefined,
  claimPathPrefix: [],
  /** OpenID4VCI §A.2.2 / OpenID4VP §7.2: an mdoc claims path is [namespace, data element, …]. */
  claimPathOf: (type, path) => {
    const ns = Object.entries(type.mdoc?.namespaces ?? {}).find(([, elements]) => elements.includes(String(path[0])))?.[0];
    return ns === undefined ? [...path] : [ns, ...path];
  },

  /**
   * OpenID4VCI §A.2.2: `doctype`; `credential_signing_alg_values_supported` as COSE algorithm ids
   * (-7, ES256 over P-256); `cose_key` binding (the device key goes into the MSO as a COSE_Key)
   * proved with a `jwt` proof signed by that P-256 key.
   */
  configurationMetadata: (type, o) => ({
    format: MSO_MDOC,
    doctype: type.mdoc?.doctype,
    cryptographic_binding_methods_supported: ['cose_key'],
    credential_signing_alg_values_supported: [COSE_ES256],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: o.proofSigningAlgs.filter((a) => a === 'ES256') } },
  }),

  async buildCredential(input) {
    const layout = input.type.mdoc;
    if (!layout) throw new TypeError(`${input.type.id} has no mdoc layout`);
    if (!input.x5chain?.length) throw new TypeError('an mdoc needs the document signer certificate chain');
    // The device key is a curve point of P-256 (checked again here: a format trusts no caller).
    const deviceJwk = input.holderJwk && checkPublicJwk(input.holderJwk);
    if (!deviceJwk || !isP256(deviceJwk)) throw formatError('jws_key_invalid', 'an mdoc is bound to a P-256 device key');
    const { buildIssuerSigned } = await loadBuilder();
    const issuerSigned = await buildIssuerSigned({
      docType: layout.doctype,
      namespaces: layout.namespaces,
      encodings: layout.encodings,
      claims: input.claims,
      signedAt: input.issuedAt,
      validUntil: input.expiresAt,
      deviceJwk,
      status: input.status,
      signer: input.signer,
      x5chain: input.x5chain,
      ...(input.random && { random: input.random }),
    });
    // OpenID4VCI §A.2.4: base64url of the CBOR IssuerSigned.
    return Buffer.from(issuerSigned).toString('base64url');
  },
};
