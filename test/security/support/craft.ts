/**
 * Crafting hostile tokens: raw compact JWS assembly (any header, any bytes), issuer-signed
 * variants of a real credential, Disclosures, KB-JWTs and holder history tokens.
 */
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { JWK } from 'jose';
import type { Signer } from '../../../src/keys/signer.js';
import { sdDigest } from '../../../src/formats/sd-jwt/compute-digest.js';
import { historyAudience, HISTORY_TYP } from '../../../src/presentation/list-holder-history.js';
import type { SecurityFixture } from './fixture.js';
import { counterChallenge, counterOf } from '../../presentation/helpers.js';

/** A nonce issued by the counter channel to the fixture verifier client. */
export const counterNonce = async (f: SecurityFixture): Promise<string> =>
  (await counterChallenge(counterOf(f.t.app, f.keys.verifier))).nonce;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObj = { [k: string]: Json };

export const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');
export const b64json = (v: unknown): string => b64(JSON.stringify(v));
export const fromB64 = (s: string): Buffer => Buffer.from(s, 'base64url');
export const nowS = (): number => Math.floor(Date.now() / 1000);
export const randomNonce = (): string => randomBytes(16).toString('base64url');

/** P-256 group order n. */
export const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const to32 = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
export const rsSignature = (r: bigint, s: bigint): string => b64(Buffer.concat([to32(r), to32(s)]));
export const readRs = (sig: string): { r: bigint; s: bigint } => {
  const b = fromB64(sig);
  return { r: BigInt(`0x${b.subarray(0, 32).toString('hex')}`), s: BigInt(`0x${b.subarray(32).toString('hex')}`) };
};

/** ASN.1 DER of an ECDSA signature (what OpenSSL emits by default; never valid in a JWS). */
export function derSignature(sig: string): string {
  const { r, s } = readRs(sig);
  const int = (v: bigint) => {
    let h = Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
    while (h.length > 1 && h[0] === 0 && h[1]! < 0x80) h = h.subarray(1);
    if (h[0]! >= 0x80) h = Buffer.concat([Buffer.from([0]), h]);
    return Buffer.concat([Buffer.from([0x02, h.length]), h]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return b64(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}

/** `header` / `payload` given as objects are JSON-encoded; strings are used as the encoded segment. */
export async function signRaw(signer: Signer, header: JsonObj | string, payload: JsonObj | string): Promise<string> {
  const h = typeof header === 'string' ? header : b64json(header);
  const p = typeof payload === 'string' ? payload : b64json(payload);
  const sig = await signer.sign(Buffer.from(`${h}.${p}`, 'ascii'));
  return `${h}.${p}.${b64(sig)}`;
}

export function decodeJwt(jwt: string): { header: JsonObj; payload: JsonObj; sig: string } {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(fromB64(h!).toString('utf8')) as JsonObj,
    payload: JSON.parse(fromB64(p!).toString('utf8')) as JsonObj,
    sig: s!,
  };
}

/** Parts of the fixture credential. */
export function credentialParts(f: SecurityFixture): { jwt: string; disclosures: string[]; header: JsonObj; payload: JsonObj } {
  const parts = f.credential.split('~');
  const jwt = parts[0]!;
  const { header, payload } = decodeJwt(jwt);
  return { jwt, disclosures: parts.slice(1, -1), header, payload };
}

/** The disclosure of claim `name` in the fixture credential. */
export function disclosureOf(f: SecurityFixture, name: string): string {
  const d = credentialParts(f).disclosures.find((x) => (JSON.parse(fromB64(x).toString('utf8')) as Json[])[1] === name);
  if (!d) throw new Error(`no disclosure for ${name}`);
  return d;
}

/** The fixture credential's issuer JWT with header / payload changed, re-signed by our issuer. */
export async function reissue(f: SecurityFixture, mutate: (header: JsonObj, payload: JsonObj) => void): Promise<string> {
  const { header, payload } = credentialParts(f);
  mutate(header, payload);
  return signRaw(f.issuerSigner, header, payload);
}

/** An encoded Disclosure (RFC 9901 §4.2.1) and its digest. */
export function disclosure(elements: Json[] | string): { encoded: string; digest: string } {
  const encoded = typeof elements === 'string' ? elements : b64json(elements);
  return { encoded, digest: sdDigest(encoded) };
}

export interface KbOptions {
  signer?: Signer;
  header?: JsonObj;
  payload?: JsonObj;
  /** Remove these payload members. */
  drop?: string[];
}

/** A KB-JWT over `sdJwtWithoutKb` by the fixture holder (RFC 9901 §4.3), with overrides. */
export async function kbJwt(f: SecurityFixture, sdJwtWithoutKb: string, o: KbOptions = {}): Promise<string> {
  const signer = o.signer ?? f.holder.signer;
  const header: JsonObj = { typ: 'kb+jwt', alg: signer.alg, ...o.header };
  // By default the nonce is one the counter issued to the fixture verifier (an issued nonce is needed to pass `replay`).
  const nonce = o.payload && 'nonce' in o.payload ? randomNonce() : await counterNonce(f);
  const payload: JsonObj = { iat: nowS(), aud: f.aud, nonce, sd_hash: sdDigest(sdJwtWithoutKb), ...o.payload };
  for (const k of o.drop ?? []) delete payload[k];
  return signRaw(signer, header, payload);
}

/** `<jwt>~<disclosures>~<KB-JWT>`; by default the fixture credential with all its Disclosures. */
export async function present(
  f: SecurityFixture,
  o: { jwt?: string; disclosures?: string[]; kb?: KbOptions | false } = {},
): Promise<string> {
  const parts = credentialParts(f);
  const sd = `${o.jwt ?? parts.jwt}~${(o.disclosures ?? parts.disclosures).map((d) => `${d}~`).join('')}`;
  if (o.kb === false) return sd;
  return sd + (await kbJwt(f, sd, o.kb));
}

export const counter = (f: SecurityFixture, presentation: unknown, policy?: unknown, key = f.keys.verifier): InjectOptions => ({
  method: 'POST',
  url: '/v1/verifier/verify',
  headers: { authorization: `Bearer ${key}` },
  payload: { presentation, ...(policy !== undefined && { policy }) },
});

/** A holder history token (`dproof-history+jwt`) for `GET /v1/wallet/history`. */
export async function historyToken(
  f: SecurityFixture,
  o: { header?: JsonObj; payload?: JsonObj; signer?: Signer; jwk?: JWK } = {},
): Promise<string> {
  const { calculateJwkThumbprint } = await import('jose');
  const jwk = o.jwk ?? f.holder.publicJwk;
  const header: JsonObj = { typ: HISTORY_TYP, alg: f.holder.signer.alg, jwk: jwk as JsonObj, ...o.header };
  const payload: JsonObj = {
    aud: historyAudience(f.issuer),
    iat: nowS(),
    jti: randomNonce(),
    cnf: { jkt: await calculateJwkThumbprint(jwk, 'sha256') },
    ...o.payload,
  };
  return signRaw(o.signer ?? f.holder.signer, header, payload);
}

export const history = (token: string): InjectOptions => ({
  method: 'GET',
  url: '/v1/wallet/history',
  headers: { authorization: `Bearer ${token}` },
});
