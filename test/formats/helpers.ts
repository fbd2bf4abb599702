/** Test helpers for the format tests: signers over JWKs, key pairs, fixture loading, decoding. */
import { createHash, createPrivateKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { parse as parseYaml } from 'yaml';
import type { SigningAlg, Signer } from '../../src/keys/signer.js';
import { FormatError } from '../../src/errors.js';
import type { JsonObject } from '../../src/formats/jose/types.js';
import type { RandomSource } from '../../src/random-source.js';

export const VECTORS = join(import.meta.dirname, '..', 'fixtures', 'vectors');

export const readVector = (path: string): string => readFileSync(join(VECTORS, path), 'utf8').trim();
export const readVectorJson = <T = JsonObject>(path: string): T => JSON.parse(readVector(path)) as T;
export const readVectorYaml = <T = Record<string, unknown>>(path: string): T => parseYaml(readVector(path)) as T;

export const publicPart = (jwk: JWK): JWK =>
  jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! } : { kty: 'OKP', crv: jwk.crv!, x: jwk.x! };

/** A Signer over a private JWK, signing with node:crypto (ES256 → raw r||s). */
export async function signerFromJwk(privateJwk: JWK): Promise<Signer> {
  const alg: SigningAlg = privateJwk.kty === 'EC' ? 'ES256' : 'EdDSA';
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  const pub = publicPart(privateJwk);
  const kid = await calculateJwkThumbprint(pub);
  return {
    kid,
    alg,
    publicJwk: { ...pub, kid, alg, use: 'sig' },
    sign: async (input) =>
      new Uint8Array(alg === 'ES256' ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }) : sign(null, input, key)),
  };
}

export async function newSigner(alg: SigningAlg = 'ES256'): Promise<{ signer: Signer; privateJwk: JWK }> {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { signer: await signerFromJwk(privateJwk), privateJwk };
}

/** A deterministic random source (SHA-256 counter mode) for reproducible tests. */
export function seededRandom(seed = 'seed'): RandomSource & { calls: Uint8Array[] } {
  let counter = 0;
  const calls: Uint8Array[] = [];
  const fn = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      out.set(
        createHash('sha256')
          .update(`${seed}:${counter++}`)
          .digest()
          .subarray(0, Math.min(32, n - i)),
        i,
      );
    }
    calls.push(out);
    return out;
  };
  return Object.assign(fn, { calls });
}

export const b64json = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
export const unb64json = <T = JsonObject>(s: string): T => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as T;

/** Payload of a compact JWT, without verifying it. */
export const jwtPayload = (jwt: string): JsonObject => unb64json(jwt.split('.')[1]!);
export const jwtHeader = (jwt: string): JsonObject => unb64json(jwt.split('.')[0]!);

/** assert.rejects / assert.throws matcher: a FormatError with exactly this code. */
export const code = (expected: string) => (e: unknown) => {
  if (!(e instanceof FormatError)) throw new Error(`expected FormatError(${expected}), got ${String(e)}`);
  if (e.code !== expected) throw new Error(`expected code ${expected}, got ${e.code}: ${e.message}`);
  return true;
};

/** A disclosure as base64url of its JSON array. */
export const disclosure = (...elements: unknown[]): string => b64json(elements);
export const digestOf = (encoded: string): string => createHash('sha256').update(encoded).digest('base64url');
