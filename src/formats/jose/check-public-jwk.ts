/**
 * The one gate every public key from outside passes before it is trusted, bound or compared:
 * holder keys (direct issuance, OpenID4VCI proofs, `cnf.jwk` at verification, history tokens),
 * issuers' JWKS and verifiers' did:web keys.
 *
 * A public key is only worth something if nobody can sign for it without a private key. The
 * Ed25519 identity point (`x` = `AQAA…AA`) and the other small-order points are not such keys:
 * OpenSSL verifies a constant signature for ANY message under them (cofactorless verification,
 * RFC 8032 §5.1.7, "Taming the many EdDSAs" §3). An off-curve P-256 point is no key at all.
 * And one key must have one spelling, so that RFC 7638 thumbprints compare keys, not strings.
 *
 * Rules: kty/crv on the allow-list (EC P-256, OKP Ed25519); no private members; coordinates in
 * canonical base64url of exactly 32 bytes (no padding, no `+/`, unused bits zero); P-256: a
 * field element pair on the curve, not the point at infinity (SEC 1 §3.2.2.1, RFC 8725bis §3.4);
 * Ed25519: a strict RFC 8032 §5.1.3 decoding (y < p, no "negative zero"), not of small order,
 * and, where `torsionFree` is asked, in the prime-order subgroup. The curve arithmetic is
 * @noble/curves (audited, pure JS, so this file also runs in the web wallet's bundle); only the
 * byte-level canonical check is ours. Pure: no node built-ins, no clock, no store.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { formatError } from '../error-codes.js';

/** Exactly the RFC 7638 required members of an accepted key, so thumbprints are canonical. */
export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'OKP'; crv: 'Ed25519'; x: string };

export interface CheckPublicJwkOptions {
  /**
   * Also require an Ed25519 key to be torsion-free ([L]A = identity). Keys made as a·B always
   * are; a "mixed-order" key is not forgeable but gives one private key eight public spellings.
   * It costs ~0.8 ms of pure-JS curve work per new key (measured), so it is asked where a key
   * is bound or fetched (issuance, JWKS, did:web, and `cnf.jwk` of another issuer's credential,
   * which our issuance never checked), not on every presentation of our own credentials.
   */
  torsionFree?: boolean;
}

/** RFC 7517 §6.2.2 / §6.3.2 / §6.4: members that only a private (or symmetric) key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
/** 32 bytes in unpadded base64url are 43 characters; the last one carries 2 unused bits. */
const B64URL_32 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** Keys already accepted (by canonical spelling), with whether the torsion check was done. */
const MAX_REMEMBERED = 2048;
const accepted = new Map<string, { torsionChecked: boolean }>();

const refuse = (message: string) => formatError('jws_key_invalid', message);

/** RFC 7515 §2 base64url of exactly 32 bytes, in its one canonical spelling. */
function decode32(value: string, member: string): Uint8Array {
  if (!B64URL_32.test(value)) throw refuse(`key member ${member} is not the canonical unpadded base64url of 32 bytes`);
  // atob exists in Node and in browsers alike (this module is shared with the web wallet).
  const bin = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** SEC 1 §3.2.2.1: both coordinates in [0, p) and the point on the curve (never infinity). */
function checkP256(x: Uint8Array, y: Uint8Array): void {
  const uncompressed = new Uint8Array(65);
  uncompressed[0] = 0x04;
  uncompressed.set(x, 1);
  uncompressed.set(y, 33);
  try {
    p256.Point.fromBytes(uncompressed); // decodes and asserts validity
  } catch {
    throw refuse('P-256 key is not a point on the curve');
  }
}

/** RFC 8032 §5.1.3 strict decoding, then the small-order and (optionally) torsion checks. */
function checkEd25519(x: Uint8Array, torsionFree: boolean): void {
  let point;
  try {
    point = ed25519.Point.fromBytes(x, false); // zip215 = false: y < p, no x = 0 with the sign bit
  } catch {
    throw refuse('Ed25519 key is not a canonical point encoding');
  }
  if (point.isSmallOrder()) throw refuse('Ed25519 key is a small-order point (anyone can sign for it)');
  if (torsionFree && !point.isTorsionFree()) throw refuse('Ed25519 key is not in the prime-order subgroup');
}

function remember(id: string, torsionChecked: boolean): void {
  if (accepted.size >= MAX_REMEMBERED) accepted.delete(accepted.keys().next().value!);
  accepted.set(id, { torsionChecked });
}

/**
 * Checks `jwk` and returns its canonical public members; throws `FormatError('jws_key_invalid')`
 * with a message saying which rule failed. Callers map the code to their endpoint's own.
 */
export function checkPublicJwk(jwk: unknown, options: CheckPublicJwkOptions = {}): PublicJwk {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw refuse('key is not a JWK object');
  const k = jwk as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => Object.prototype.hasOwnProperty.call(k, m))) throw refuse('key has private members');
  const torsionFree = options.torsionFree === true;
  if (k.kty === 'EC' && k.crv === 'P-256') {
    if (typeof k.x !== 'string' || typeof k.y !== 'string') throw refuse('P-256 key lacks its x and y strings');
    const pub: PublicJwk = { kty: 'EC', crv: 'P-256', x: k.x, y: k.y };
    const id = `P-256|${k.x}|${k.y}`;
    if (accepted.has(id)) return pub;
    checkP256(decode32(k.x, 'x'), decode32(k.y, 'y'));
    remember(id, true); // prime order: every valid P-256 point is "torsion-free"
    return pub;
  }
  if (k.kty === 'OKP' && k.crv === 'Ed25519') {
    if (typeof k.x !== 'string') throw refuse('Ed25519 key lacks its x string');
    const pub: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: k.x };
    const id = `Ed25519|${k.x}`;
    const seen = accepted.get(id);
    if (seen && (seen.torsionChecked || !torsionFree)) return pub;
    checkEd25519(decode32(k.x, 'x'), torsionFree);
    remember(id, torsionFree || (seen?.torsionChecked ?? false));
    return pub;
  }
  throw refuse('key type is not EC P-256 or OKP Ed25519');
}

/** Whether `jwk` passes checkPublicJwk; for filtering a published key set (bad keys are dropped). */
export function isRealPublicJwk(jwk: unknown, options: CheckPublicJwkOptions = {}): boolean {
  try {
    checkPublicJwk(jwk, options);
    return true;
  } catch {
    return false;
  }
}
