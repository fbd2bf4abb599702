/**
 * Public keys nobody holds the private half of, or one key spelled a second way: the classes
 * every entry point must refuse (issue 14 §2). Variants of REAL keys are derived from key pairs
 * the caller can sign with, so a refusal can only come from the key check, never from a
 * signature that does not verify. Ed25519 weak points come from
 * test/fixtures/vectors/public-keys/ed25519-weak-points.json.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { ed25519 } from '@noble/curves/ed25519.js';

export interface RealKey {
  jwk: { kty: string; crv: string; x: string; y?: string };
  privateKey: KeyObject;
  alg: 'ES256' | 'EdDSA';
}

export interface BadKeyCase {
  name: string;
  jwk: JWK;
  /** The real key of the same type, whose private key signs wherever a signature is needed. */
  signer: RealKey;
  /** Refused only where torsion-freeness is required (keys bound at issuance), not per presentation. */
  torsionOnly?: boolean;
}

interface WeakPoints {
  smallOrder: { order: number; hex: string }[];
  nonCanonical: { hex: string; note: string }[];
}

export const WEAK_POINTS = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'vectors', 'public-keys', 'ed25519-weak-points.json'), 'utf8'),
) as WeakPoints;

const b64 = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('base64url');
const bytesOf = (s: string): Buffer => Buffer.from(s, 'base64url');
/** The Ed25519 identity point as a JWK `x`: `AQAAAA…AA`. */
export const IDENTITY_X = b64(Buffer.from(WEAK_POINTS.smallOrder[0]!.hex, 'hex'));
/** An Ed25519 signature that OpenSSL accepts for ANY message under the identity key: R = identity, S = 0. */
export const IDENTITY_SIGNATURE = b64(Buffer.concat([Buffer.from(WEAK_POINTS.smallOrder[0]!.hex, 'hex'), Buffer.alloc(32)]));

function keyPair(kind: 'ec' | 'ed', accept: (jwk: RealKey['jwk']) => boolean): RealKey {
  for (;;) {
    const pair = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const full = pair.publicKey.export({ format: 'jwk' }) as RealKey['jwk'];
    const jwk = kind === 'ec' ? { kty: 'EC', crv: 'P-256', x: full.x, y: full.y! } : { kty: 'OKP', crv: 'Ed25519', x: full.x };
    if (accept(jwk)) return { jwk, privateKey: pair.privateKey, alg: kind === 'ec' ? 'ES256' : 'EdDSA' };
  }
}

/** `-` or `_` in the encoding, so that its base64 (`+/`) spelling differs. */
const hasUrlChars = (s: string) => /[-_]/.test(s);

/** Key pairs to derive variants from: P-256 with a leading zero byte in x (so "31 bytes" is a real mis-encoding). */
export function realKeys(): { ec: RealKey; ed: RealKey } {
  return {
    ec: keyPair('ec', (j) => bytesOf(j.x)[0] === 0 && hasUrlChars(j.x)),
    ed: keyPair('ed', (j) => hasUrlChars(j.x)),
  };
}

/** The same bytes with non-zero unused bits in the last character (Node's decoder ignores them). */
function withTrailingBits(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return s.slice(0, -1) + alphabet[alphabet.indexOf(s.at(-1)!) | 1];
}
const toBase64 = (s: string) => s.replace(/-/g, '+').replace(/_/g, '/');
const P256_P = Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex');

/** A real Ed25519 key plus a point of order 8: not forgeable, but not in the prime-order subgroup. */
function mixedOrder(x: string): string {
  const t8 = ed25519.Point.fromBytes(Uint8Array.from(Buffer.from(WEAK_POINTS.smallOrder[4]!.hex, 'hex')), false);
  return b64(
    ed25519.Point.fromBytes(Uint8Array.from(bytesOf(x)), false)
      .add(t8)
      .toBytes(),
  );
}

export function badPublicJwks(keys = realKeys()): BadKeyCase[] {
  const { ec, ed } = keys;
  const okp = (x: string, extra: Record<string, string> = {}): JWK => ({ kty: 'OKP', crv: 'Ed25519', x, ...extra });
  const p256 = (x: string, y: string, extra: Record<string, string> = {}): JWK => ({ kty: 'EC', crv: 'P-256', x, y, ...extra });
  const { x: ex, y: ey } = ec.jwk as { x: string; y: string };
  const flipped = bytesOf(ey);
  flipped[31] ^= 1;
  return [
    ...WEAK_POINTS.smallOrder.map((p, i) => ({
      name: i === 0 ? 'Ed25519 identity point (x = AQAA…AA)' : `Ed25519 small-order point #${i} (order ${p.order})`,
      jwk: okp(b64(Buffer.from(p.hex, 'hex'))),
      signer: ed,
    })),
    ...WEAK_POINTS.nonCanonical.map((p) => ({
      name: `Ed25519 non-canonical encoding: ${p.note}`,
      jwk: okp(b64(Buffer.from(p.hex, 'hex'))),
      signer: ed,
    })),
    { name: 'Ed25519 real key + a point of order 8 (not torsion-free)', jwk: okp(mixedOrder(ed.jwk.x)), signer: ed, torsionOnly: true },
    { name: 'Ed25519 x with base64 padding', jwk: okp(`${ed.jwk.x}=`), signer: ed },
    { name: 'Ed25519 x in base64 (+/) instead of base64url', jwk: okp(toBase64(ed.jwk.x)), signer: ed },
    { name: 'Ed25519 x with non-zero unused bits in its last character', jwk: okp(withTrailingBits(ed.jwk.x)), signer: ed },
    { name: 'Ed25519 x of 31 bytes', jwk: okp(b64(bytesOf(ed.jwk.x).subarray(0, 31))), signer: ed },
    { name: 'Ed25519 x of 33 bytes', jwk: okp(b64(Buffer.concat([bytesOf(ed.jwk.x), Buffer.alloc(1)]))), signer: ed },
    { name: 'Ed25519 key with a private member d', jwk: okp(ed.jwk.x, { d: b64(Buffer.alloc(32, 7)) }), signer: ed },
    { name: 'P-256 point off the curve (y with one bit flipped)', jwk: p256(ex, b64(flipped)), signer: ec },
    { name: 'P-256 point at infinity spelled x = y = 0', jwk: p256(b64(Buffer.alloc(32)), b64(Buffer.alloc(32))), signer: ec },
    { name: 'P-256 x = p (not a field element)', jwk: p256(b64(P256_P), ey), signer: ec },
    { name: 'P-256 x zero-padded to 33 bytes', jwk: p256(b64(Buffer.concat([Buffer.alloc(1), bytesOf(ex)])), ey), signer: ec },
    { name: 'P-256 y zero-padded to 33 bytes', jwk: p256(ex, b64(Buffer.concat([Buffer.alloc(1), bytesOf(ey)]))), signer: ec },
    { name: 'P-256 x without its leading zero byte (31 bytes)', jwk: p256(b64(bytesOf(ex).subarray(1)), ey), signer: ec },
    { name: 'P-256 x with base64 padding', jwk: p256(`${ex}=`, ey), signer: ec },
    { name: 'P-256 x in base64 (+/) instead of base64url', jwk: p256(toBase64(ex), ey), signer: ec },
    { name: 'P-256 x with non-zero unused bits in its last character', jwk: p256(withTrailingBits(ex), ey), signer: ec },
    { name: 'P-256 key with a private member d', jwk: p256(ex, ey, { d: b64(Buffer.alloc(32, 7)) }), signer: ec },
  ];
}
