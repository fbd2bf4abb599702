/**
 * Response modes a verifier client may ask for (OpenID4VP 1.0 §8): `direct_post` (default,
 * §8.2) and `direct_post.jwt` (§8.3.1: the answer is a JWE to a key of the request). HAIP 1.0
 * §5.1 requires `direct_post.jwt` for redirect-based flows. Over the Digital Credentials API
 * (Appendix A): `dc_api` and `dc_api.jwt`, the answer handed back by the verifier's page.
 */
export const RESPONSE_MODES = ['direct_post', 'direct_post.jwt', 'dc_api', 'dc_api.jwt'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** Modes whose answer must be encrypted. */
export const ENCRYPTED_MODES: ReadonlySet<string> = new Set(['direct_post.jwt', 'dc_api.jwt']);

/** Modes answered through the W3C Digital Credentials API (OpenID4VP 1.0 Appendix A), not the Response URI. */
export const DC_API_MODES: ReadonlySet<string> = new Set(['dc_api', 'dc_api.jwt']);

/** JWE algorithms of encrypted responses (HAIP 1.0 §5: ECDH-ES on P-256; A128GCM and A256GCM, both listed). */
export const RESPONSE_JWE_ENCS = ['A128GCM', 'A256GCM'] as const;
