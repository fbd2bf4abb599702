/**
 * The load generator's own check of every credential the full flow returns, independent of the
 * server's code (node:crypto only): the issuer's ES256 signature with a key from its JWKS, `iss`
 * and `vct`, `cnf.jwk` equal to the key the proof was signed with, and every disclosure's digest
 * among the payload's `_sd` digests (RFC 9901 §7.1). Returns what is wrong, or undefined.
 */
import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface IssuerKeys {
  byKid: Map<string, KeyObject>;
}

export function issuerKeysOf(jwks: { keys: (JsonWebKey & { kid?: string })[] }): IssuerKeys {
  const byKid = new Map<string, KeyObject>();
  for (const k of jwks.keys) if (k.kid) byKid.set(k.kid, createPublicKey({ key: k, format: 'jwk' }));
  return { byKid };
}

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Every `_sd` digest and array-element `...` digest anywhere in the payload. */
function collectDigests(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectDigests(v, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '_sd' && Array.isArray(v)) {
      for (const d of v) if (typeof d === 'string') into.add(d);
    } else if (k === '...' && typeof v === 'string') {
      into.add(v);
    } else {
      collectDigests(v, into);
    }
  }
}

export interface Expected {
  iss: string;
  vct: string;
  holder: { x: string; y: string };
  /** Disclosures the credential must carry (the type's selectively disclosable claims). */
  minDisclosures: number;
}

export function checkIssuedCredential(sdJwt: string, keys: IssuerKeys, expected: Expected): string | undefined {
  const parts = sdJwt.split('~');
  const jwt = parts[0] ?? '';
  const disclosures = parts.slice(1, -1);
  if (parts.at(-1) !== '') return 'not an SD-JWT without key binding (no trailing ~)';
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return 'issuer JWT is not a compact JWS';
  const header = decode(h);
  const payload = decode(p);
  if (header.alg !== 'ES256' || header.typ !== 'dc+sd-jwt') return `unexpected header ${JSON.stringify(header)}`;
  const key = keys.byKid.get(String(header.kid));
  if (!key) return `unknown kid ${String(header.kid)}`;
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')))
    return 'issuer signature does not verify';
  if (payload.iss !== expected.iss) return `iss ${String(payload.iss)}`;
  if (payload.vct !== expected.vct) return `vct ${String(payload.vct)}`;
  const cnf = (payload.cnf as { jwk?: { x?: string; y?: string } } | undefined)?.jwk;
  if (cnf?.x !== expected.holder.x || cnf.y !== expected.holder.y) return 'cnf.jwk is not the proof key';
  if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256') return `_sd_alg ${String(payload._sd_alg)}`;
  const digests = new Set<string>();
  collectDigests(payload, digests);
  for (const d of disclosures) {
    if (!digests.has(createHash('sha256').update(d).digest('base64url'))) return 'a disclosure is not referenced by the payload';
  }
  if (disclosures.length < expected.minDisclosures)
    return `${disclosures.length} disclosures, expected at least ${expected.minDisclosures}`;
  return undefined;
}
