/**
 * Response modes a verifier client may ask for (OpenID4VP 1.0 §8): `direct_post` (default,
 * §8.2) and `direct_post.jwt` (§8.3.1: the answer is a JWE to a key of the request). HAIP 1.0
 * §5.1 requires `direct_post.jwt` for redirect-based flows.
 */
export const RESPONSE_MODES = ['direct_post', 'direct_post.jwt'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** Modes whose answer must be encrypted. */
export const ENCRYPTED_MODES: ReadonlySet<string> = new Set(['direct_post.jwt']);

/** JWE algorithms of encrypted responses (HAIP 1.0 §5: ECDH-ES on P-256; A128GCM and A256GCM, both listed). */
export const RESPONSE_JWE_ALG = 'ECDH-ES';
export const RESPONSE_JWE_ENCS = ['A128GCM', 'A256GCM'] as const;
