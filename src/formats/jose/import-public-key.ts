/**
 * JWK → node:crypto KeyObject, bound to one algorithm, with a small cache.
 *
 * Importing a key costs far more than one verification, and holder keys and issuer keys repeat,
 * so imported keys are kept in a bounded insertion-ordered Map. The cache key is the RFC 7638
 * thumbprint input (the required public members, in order) plus the algorithm: the same
 * identity a thumbprint gives, without hashing on the hot path. Before a key is imported it
 * passes checkPublicJwk (canonical encoding, on the curve, not a small-order Ed25519 point), so
 * no signature check anywhere runs under a key anyone can sign for; only its public members are
 * handed to node:crypto.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningAlg } from './signer.js';
import { formatError } from '../error-codes.js';
import { checkPublicJwk } from './check-public-jwk.js';

const MAX_CACHED_KEYS = 1024;
const cache = new Map<string, KeyObject>();

/** The algorithm a public JWK can be used with here (RFC 8725bis §3.1: one key, one alg). */
export function algForJwk(jwk: JWK): SigningAlg {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw formatError('jws_key_invalid', 'key type is not EC P-256 or OKP Ed25519');
}

/** Imports `jwk` for verifying `alg` signatures; throws when the key does not fit `alg`. */
export function importPublicKey(jwk: JWK, alg: SigningAlg): KeyObject {
  if (typeof jwk !== 'object' || jwk === null) throw formatError('jws_key_invalid', 'key is not a JWK object');
  // RFC 7517 §4.4: a key that names its algorithm may only be used with that one.
  if (jwk.alg !== undefined && jwk.alg !== alg) throw formatError('jws_key_alg_mismatch', 'key is bound to another alg');
  if (algForJwk(jwk) !== alg) throw formatError('jws_key_alg_mismatch', 'key type does not fit alg');
  if (typeof jwk.x !== 'string' || (alg === 'ES256' && typeof jwk.y !== 'string')) {
    throw formatError('jws_key_invalid', 'key lacks its public coordinates');
  }
  const id = alg === 'ES256' ? `${alg}|${jwk.crv}|${jwk.x}|${jwk.y}` : `${alg}|${jwk.crv}|${jwk.x}`;
  const hit = cache.get(id);
  if (hit) return hit;
  // Private members are ignored here (a resolver may hand us our own full key): only the public ones are checked and used.
  const publicMembers = checkPublicJwk(
    alg === 'ES256' ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
  );
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicMembers, format: 'jwk' });
  } catch {
    throw formatError('jws_key_invalid', 'key is not a valid public key');
  }
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
  cache.set(id, key);
  return key;
}
