/**
 * Verifies a parsed compact JWS against a key the caller trusts.
 *
 * RFC 8725bis §3.1/§3.2: `alg` must be on an allow-list (ES256 and EdDSA at most; `none` in any
 * casing, HS*, and anything unknown are rejected before crypto), and each key is used with
 * exactly one algorithm. The issuer key is found only through `resolveKey({ kid, alg })`:
 * `jwk`, `x5c`, `jku` and `x5u` in a header are never used to pick or fetch a key.
 */
import type { SigningAlg } from './signer.js';
import { formatError } from '../error-codes.js';
import { importPublicKey } from './import-public-key.js';
import type { JsonObject, KeyResolver, ParsedJws, ResolvedKey } from './types.js';
import { verifyJwsSignature } from './verify-signature.js';

/** The algorithms this service can verify at all; options may narrow, never widen, the list. */
export const SUPPORTED_ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA'];

export interface VerifyJwsOptions {
  resolveKey: KeyResolver;
  allowedAlgs?: readonly SigningAlg[];
  /** Exact `typ` required (RFC 8725bis §3.11 explicit typing); omitted = not checked here. */
  expectedTyp?: string;
}

export interface VerifiedJws {
  header: JsonObject;
  payload: JsonObject;
  key: ResolvedKey;
}

/** RFC 8725bis §3.1: the header alg must be one we allow, compared case-sensitively. */
export function checkAlgAllowed(alg: unknown, allowed: readonly SigningAlg[] = SUPPORTED_ALGS): SigningAlg {
  const ok = SUPPORTED_ALGS.find((a) => a === alg && allowed.includes(a));
  if (!ok) throw formatError('jws_alg_not_allowed', `alg ${JSON.stringify(alg)} is not allowed`);
  return ok;
}

export async function verifyCompactJws(parsed: ParsedJws, options: VerifyJwsOptions): Promise<VerifiedJws> {
  const { header, payload } = parsed;
  const alg = checkAlgAllowed(header.alg, options.allowedAlgs);
  // RFC 8725bis §3.11: explicit typing, compared exactly.
  if (options.expectedTyp !== undefined && header.typ !== options.expectedTyp) {
    throw formatError('jws_typ_mismatch', `typ must be ${options.expectedTyp}`);
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const key = await options.resolveKey({ kid, alg });
  if (!key) throw formatError('jws_key_not_found', 'no trusted key for this token');
  // RFC 8725bis §3.1: a key is used with exactly one algorithm.
  if (key.alg !== alg) throw formatError('jws_key_alg_mismatch', 'token alg differs from the key alg');
  const keyObject = importPublicKey(key.jwk, key.alg);
  // RFC 7515 §5.2 step 8: validate the signature over the JWS Signing Input.
  if (!(await verifyJwsSignature(alg, keyObject, parsed.signingInput, parsed.signature))) {
    throw formatError('jws_signature_invalid', 'signature does not verify');
  }
  return { header, payload, key };
}
