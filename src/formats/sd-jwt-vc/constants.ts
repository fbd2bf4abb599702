/** Names fixed by draft-ietf-oauth-sd-jwt-vc. */

/** §2.2.1 (JOSE Header): the `typ` of the issuer-signed JWT of an SD-JWT VC. */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';

/** §2.2.2.3 (Registered JWT Claims): these claims, including any of their sub-claims, MUST NOT be in a Disclosure. */
export const NEVER_DISCLOSED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'nbf',
  'exp',
  'cnf',
  'vct',
  'vct#integrity',
  'aka_vcts',
  'status',
]);

/**
 * What our issuer keeps plain: the list above plus `iat` (the spec allows disclosing `iat`;
 * we do not, so every verifier's time checks see it).
 */
export const ISSUER_PLAIN_CLAIMS: ReadonlySet<string> = new Set([...NEVER_DISCLOSED_CLAIMS, 'iat']);

/** Claims `issueSdJwtVc` sets from its own parameters; `claims` may not carry them too. */
export const ISSUER_SET_CLAIMS: ReadonlySet<string> = new Set(['iss', 'iat', 'nbf', 'exp', 'vct', 'cnf', 'status']);
