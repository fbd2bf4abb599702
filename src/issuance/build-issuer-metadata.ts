/**
 * Credential Issuer Metadata (OpenID4VCI §12.2) and OAuth 2.0 Authorization Server Metadata
 * (RFC 8414, OpenID4VCI §12.3), generated from the catalogue.
 *
 * Each format's adapter (src/formats/registry.ts) names its configuration ids, says whether it is
 * key-bound, and writes its format-specific members: a type's SD-JWT VC (`dc+sd-jwt`, §A.3) is the
 * type id itself, key-bound with `jwk` and the `jwt` proof type (§12.2.4); its W3C VC signed as a
 * JWT is `<id>-vc-jwt`, published as `jwt_vc_json` (§A.1.1) with no holder key and no proofs.
 */
import type { Catalog, CredentialFormat, CredentialType } from '../catalog/types.js';
import { buildTypeMetadata } from '../catalog/type-metadata.js';
import { SUPPORTED_ALGS } from '../formats/jose/verify-compact-jws.js';
import { CREDENTIAL_FORMATS, credentialFormat, type FormatId, type RegisteredFormat } from '../formats/registry.js';
import type { SigningAlg } from '../keys/signer.js';
import type { ConfigurationPolicy } from '../config.js';
import { requiredFor } from './configuration-policy.js';
import { responseEncryptionMetadata } from './response-encryption/credential-response-encryption.js';
import { ATTEST_JWT_CLIENT_AUTH } from './client-attestation/verify-client-attestation.js';

/** Where the OpenID4VCI endpoints live, relative to PUBLIC_URL. */
export const VCI_PATHS = {
  issuerMetadata: '/.well-known/openid-credential-issuer',
  authorizationServerMetadata: '/.well-known/oauth-authorization-server',
  token: '/oauth/token',
  nonce: '/openid4vci/nonce',
  credential: '/openid4vci/credential',
  deferredCredential: '/openid4vci/deferred-credential',
  notification: '/openid4vci/notification',
  offer: '/openid4vci/credential-offer',
} as const;

/** RFC 8414 / OpenID4VCI §3.5: the grant type of the Pre-Authorized Code Flow. */
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** Algorithms a wallet may sign proofs with (§12.2.4 and Appendix F.1 `proof_signing_alg_values_supported`). */
export const PROOF_SIGNING_ALGS: readonly SigningAlg[] = SUPPORTED_ALGS;

export interface CredentialConfiguration {
  id: string;
  type: CredentialType;
  format: FormatId;
  /** True when credentials are bound to a holder key proved with a `jwt` proof. */
  keyBound: boolean;
}

/** The configuration id of `type` in `format` (a format with an adapter: see resolveType). */
export function configurationIdOf(type: CredentialType, format: CredentialFormat): string {
  return credentialFormat(format)!.configurationId(type.id);
}

/** The configuration a `credential_configuration_id` names, or undefined when there is none. */
export function resolveConfiguration(catalog: Catalog, id: unknown): CredentialConfiguration | undefined {
  if (typeof id !== 'string' || id.length > 128) return undefined;
  for (const adapter of CREDENTIAL_FORMATS) {
    const typeId = adapter.typeIdOfConfiguration(id);
    const type = typeId === undefined ? undefined : catalog.get(typeId);
    if (type?.formats.includes(adapter.id)) return { id, type, format: adapter.id, keyBound: adapter.keyBound };
  }
  return undefined;
}

const LOCALES = [
  ['ko', 'ko-KR'],
  ['en', 'en-US'],
] as const;

/** §12.2.4 `credential_metadata`: display per locale and claims descriptions (Appendix B.2). */
function credentialMetadata(type: CredentialType, claimPath: (path: (string | null)[]) => (string | null)[]) {
  return {
    display: LOCALES.map(([key, locale]) => ({ name: type.name[key], locale, description: type.description[key] })),
    claims: buildTypeMetadata(type).claims.map((c) => ({
      path: claimPath(c.path),
      ...(c.mandatory ? { mandatory: true } : {}),
      ...(c.display ? { display: c.display.map((d) => ({ name: d.label, locale: d.locale })) } : {}),
    })),
  };
}

export function buildIssuerMetadata(
  catalog: Catalog,
  opts: {
    publicUrl: string;
    signingAlgs: readonly SigningAlg[];
    batchSize: number;
    authorizationCode?: boolean;
    keyAttestationRequired?: ConfigurationPolicy;
    /** Wallet providers are trusted: key-bound configurations take the `attestation` proof type (§F). */
    attestationProofType?: boolean;
  },
) {
  const configurations: Record<string, unknown> = {};
  const options = { signingAlgs: opts.signingAlgs, proofSigningAlgs: PROOF_SIGNING_ALGS };
  // One configuration per type and format it is issued in, in the registry's order.
  const issuedIn = (type: CredentialType): RegisteredFormat[] => CREDENTIAL_FORMATS.filter((f) => type.formats.includes(f.id));
  for (const type of catalog.types) {
    for (const adapter of issuedIn(type)) {
      const id = adapter.configurationId(type.id);
      configurations[id] = withAttestationProofType(
        withKeyAttestationsRequired(
          {
            ...adapter.configurationMetadata(type, options),
            // §12.2.4 scope: with the Authorization Code Flow, a configuration is asked for by its id as scope too.
            ...(opts.authorizationCode && { scope: id }),
            credential_metadata: credentialMetadata(type, (path) =>
              adapter.claimPathOf ? adapter.claimPathOf(type, path) : [...adapter.claimPathPrefix, ...path],
            ),
          },
          opts.keyAttestationRequired !== undefined && requiredFor(opts.keyAttestationRequired, id),
        ),
        opts.attestationProofType === true,
      );
    }
  }
  return {
    credential_issuer: opts.publicUrl,
    credential_endpoint: `${opts.publicUrl}${VCI_PATHS.credential}`,
    nonce_endpoint: `${opts.publicUrl}${VCI_PATHS.nonce}`,
    deferred_credential_endpoint: `${opts.publicUrl}${VCI_PATHS.deferredCredential}`,
    notification_endpoint: `${opts.publicUrl}${VCI_PATHS.notification}`,
    credential_response_encryption: responseEncryptionMetadata(),
    // §12.2.4: batch_size MUST be 2 or greater; with 1 the parameter is left out.
    ...(opts.batchSize >= 2 ? { batch_credential_issuance: { batch_size: opts.batchSize } } : {}),
    display: [
      { name: '디지털 증명 발급 서비스', locale: 'ko-KR' },
      { name: 'digital-proof issuing service', locale: 'en-US' },
    ],
    credential_configurations_supported: configurations,
  };
}

/**
 * §12.2.4 `proof_types_supported.jwt.key_attestations_required`: present (empty: any key storage)
 * only when the configuration requires a key attestation (KEY_ATTESTATION_REQUIRED).
 */
function withKeyAttestationsRequired(configuration: Record<string, unknown>, required: boolean): Record<string, unknown> {
  const proofTypes = configuration.proof_types_supported as Record<string, Record<string, unknown>> | undefined;
  if (!required || !proofTypes?.jwt) return configuration;
  return { ...configuration, proof_types_supported: { ...proofTypes, jwt: { ...proofTypes.jwt, key_attestations_required: {} } } };
}

/**
 * §12.2.4 `proof_types_supported.attestation` (§F: a key attestation without proof of possession,
 * its `alg` one of these), beside `jwt` on key-bound configurations when wallet providers are
 * trusted; the attestation itself is the key attestation (`key_attestations_required`).
 */
function withAttestationProofType(configuration: Record<string, unknown>, enabled: boolean): Record<string, unknown> {
  const proofTypes = configuration.proof_types_supported as Record<string, Record<string, unknown>> | undefined;
  if (!enabled || !proofTypes?.jwt) return configuration;
  const attestation = { proof_signing_alg_values_supported: [...PROOF_SIGNING_ALGS], key_attestations_required: {} };
  return { ...configuration, proof_types_supported: { ...proofTypes, attestation } };
}

/**
 * RFC 8414 §2 with OpenID4VCI §12.3 `pre-authorized_grant_anonymous_access_supported`; with the
 * Authorization Code Flow (OIDC_ISSUER set, src/issuance/authorization/), its endpoints, PAR
 * (RFC 9126 §5), PKCE S256 (RFC 7636 §6.2), `authorization_details` (RFC 9396 §10) and RFC 9207;
 * RFC 9449 §5.1 `dpop_signing_alg_values_supported`, `attest_jwt_client_auth` (OAuth
 * Attestation-Based Client Authentication §8) when wallet providers are trusted, and the
 * `refresh_token` grant when refresh tokens are issued.
 */
export function buildAuthorizationServerMetadata(
  publicUrl: string,
  authorizationCode?: { scopes: string[] },
  opts: { walletAttestation?: boolean; refreshTokens?: boolean } = {},
) {
  return {
    issuer: publicUrl,
    token_endpoint: `${publicUrl}${VCI_PATHS.token}`,
    // RFC 8414 §2: refresh_token when REFRESH_TOKEN_TTL_SECONDS issues them (RFC 6749 §6).
    grant_types_supported: [
      PRE_AUTHORIZED_GRANT,
      ...(authorizationCode ? ['authorization_code'] : []),
      ...(opts.refreshTokens ? ['refresh_token'] : []),
    ],
    token_endpoint_auth_methods_supported: opts.walletAttestation ? ['none', ATTEST_JWT_CLIENT_AUTH] : ['none'],
    ...(opts.walletAttestation && {
      client_attestation_signing_alg_values_supported: [...SUPPORTED_ALGS],
      client_attestation_pop_signing_alg_values_supported: [...SUPPORTED_ALGS],
    }),
    dpop_signing_alg_values_supported: [...SUPPORTED_ALGS],
    'pre-authorized_grant_anonymous_access_supported': true,
    ...(authorizationCode && {
      authorization_endpoint: `${publicUrl}/oauth/authorize`,
      pushed_authorization_request_endpoint: `${publicUrl}/oauth/par`,
      require_pushed_authorization_requests: true,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_details_types_supported: ['openid_credential'],
      scopes_supported: authorizationCode.scopes,
      authorization_response_iss_parameter_supported: true,
    }),
  };
}
