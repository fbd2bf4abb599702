/**
 * The wallet side of `direct_post.jwt` (OpenID4VP 1.0 §8.3, §8.3.1), for the CLI and the web
 * wallet alike (jose: node:crypto in Node, WebCrypto in the browser). Pick the verifier's
 * encryption key from `client_metadata.jwks` — `use` absent or `enc`, `alg` ECDH-ES (the JWE
 * `alg` MUST equal the key's), a P-256 public key on the curve (check-public-jwk.ts) — and
 * encrypt the response parameters as an unsigned compact JWE with the key's `kid` in the header.
 * `enc`: A256GCM when the verifier lists it (HAIP 1.0 §5: SHOULD), else A128GCM, the default
 * when `encrypted_response_enc_values_supported` is absent.
 */
import { encryptJsonJwe } from '../formats/jose/ecdh-es-jwe.js';
import { isRealPublicJwk } from '../formats/jose/check-public-jwk.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ResponseEncryption {
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  kid: string | undefined;
  enc: 'A128GCM' | 'A256GCM';
}

export type ReadEncryption = { ok: true; encryption: ResponseEncryption } | { ok: false; error: 'no_key' | 'bad_key' | 'no_enc' };

export function readResponseEncryption(clientMetadata: unknown): ReadEncryption {
  const meta = isObj(clientMetadata) ? clientMetadata : {};
  const keys = isObj(meta.jwks) && Array.isArray(meta.jwks.keys) ? meta.jwks.keys : [];
  const key = keys.find(
    (k): k is Obj => isObj(k) && k.kty === 'EC' && k.crv === 'P-256' && k.alg === 'ECDH-ES' && (k.use === undefined || k.use === 'enc'),
  );
  if (!key) return { ok: false, error: 'no_key' };
  const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: key.x as string, y: key.y as string };
  if (!isRealPublicJwk(jwk)) return { ok: false, error: 'bad_key' };
  const encs = meta.encrypted_response_enc_values_supported;
  const listed: unknown[] = Array.isArray(encs) ? encs : ['A128GCM'];
  const enc = listed.includes('A256GCM') ? 'A256GCM' : listed.includes('A128GCM') ? 'A128GCM' : undefined;
  if (!enc) return { ok: false, error: 'no_enc' };
  return { ok: true, encryption: { jwk, kid: typeof key.kid === 'string' ? key.kid : undefined, enc } };
}

/** The `response` parameter: the response parameters (§8.1, vp_token as a JSON object) as one JWE. */
export const encryptResponse = (params: Obj, to: ResponseEncryption): Promise<string> => encryptJsonJwe(params, to);

/**
 * OpenID4VP 1.0 §5.2 `state`: REQUIRED when the DCQL query asks for a credential without
 * cryptographic holder binding (§5.3: nothing else binds such a presentation to this
 * transaction); otherwise optional, and a wallet must not refuse a request without it.
 */
export const needsState = (queries: readonly unknown[]): boolean =>
  queries.some((q) => isObj(q) && q.require_cryptographic_holder_binding === false);
