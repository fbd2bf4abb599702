/**
 * Verifies a Key Binding JWT (RFC 9901 §7.3 step 5) as a list of small checks, each exported so
 * a verification pipeline can run and report them one by one.
 */
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import { FormatError } from '../format-error.js';
import { formatError } from '../error-codes.js';
import { checkTimeClaims } from '../jose/check-time-claims.js';
import { algForJwk } from '../jose/import-public-key.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import type { JsonObject, ParsedJws } from '../jose/types.js';
import { verifyCompactJws } from '../jose/verify-compact-jws.js';
import { sdDigest } from './compute-digest.js';
import { KB_JWT_TYP } from './create-kb-jwt.js';

export interface VerifyKbJwtOptions {
  /** The holder key from the SD-JWT (`cnf.jwk`), never from the KB-JWT itself. */
  holderJwk: JWK;
  sdJwtWithoutKb: string;
  nonce: string;
  aud: string;
  clock: Clock;
  maxAgeSeconds: number;
  skewSeconds: number;
}

export interface VerifiedKbJwt {
  header: JsonObject;
  payload: JsonObject;
}

/** §4.3 / §7.3 step 5.4: `typ` is exactly `kb+jwt`. */
export function checkKbJwtTyp(header: JsonObject): void {
  if (header.typ !== KB_JWT_TYP) throw formatError('kb_jwt_bad_typ', 'KB-JWT typ must be kb+jwt');
}

/** §7.3 step 5.1–5.3: signed by the holder key named in the SD-JWT, with that key's one alg. */
export async function checkKbJwtSignature(parsed: ParsedJws, holderJwk: JWK): Promise<void> {
  const alg = algForJwk(holderJwk);
  try {
    await verifyCompactJws(parsed, { resolveKey: () => ({ jwk: holderJwk, alg }), allowedAlgs: [alg] });
  } catch (e) {
    if (e instanceof FormatError && e.code === 'jws_signature_invalid') {
      throw formatError('kb_jwt_signature_invalid', 'KB-JWT is not signed by the holder key');
    }
    throw e;
  }
}

/** §4.3 / §7.3 step 5.5: `iat` present, a number, not in the future, not older than allowed. */
export function checkKbJwtIat(payload: JsonObject, o: Pick<VerifyKbJwtOptions, 'clock' | 'maxAgeSeconds' | 'skewSeconds'>): void {
  const iat = payload.iat;
  const now = o.clock.now() / 1000;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw formatError('kb_jwt_iat_invalid', 'KB-JWT iat missing or not a number');
  if (iat > now + o.skewSeconds) throw formatError('kb_jwt_iat_invalid', 'KB-JWT iat is in the future');
  if (iat < now - o.maxAgeSeconds - o.skewSeconds) throw formatError('kb_jwt_iat_invalid', 'KB-JWT is too old');
}

/** §4.3 / §7.3 step 5.6: `nonce` is a string equal to the one this transaction issued. */
export function checkKbJwtNonce(payload: JsonObject, nonce: string): void {
  if (typeof payload.nonce !== 'string' || payload.nonce !== nonce)
    throw formatError('kb_jwt_nonce_mismatch', 'KB-JWT nonce does not match');
}

/** §4.3 / §7.3 step 5.6: `aud` is a single string, exactly this verifier. */
export function checkKbJwtAud(payload: JsonObject, aud: string): void {
  if (typeof payload.aud !== 'string' || payload.aud !== aud) throw formatError('kb_jwt_aud_mismatch', 'KB-JWT aud does not match');
}

/** §4.3.1 / §7.3 step 5.7: `sd_hash` covers the issuer JWT and exactly the Disclosures sent. */
export function checkKbJwtSdHash(payload: JsonObject, sdJwtWithoutKb: string): void {
  if (typeof payload.sd_hash !== 'string' || payload.sd_hash !== sdDigest(sdJwtWithoutKb)) {
    throw formatError('kb_jwt_sd_hash_mismatch', 'KB-JWT sd_hash does not match the presented SD-JWT');
  }
}

/**
 * §7.3 step 5.8: a valid JWT in all other respects: `exp` / `nbf` when the holder set them. Their
 * failure is the KB-JWT's, not the credential's (`jwt_expired` would tell the clerk the
 * credential has expired).
 */
export function checkKbJwtValidity(payload: JsonObject, o: Pick<VerifyKbJwtOptions, 'clock' | 'skewSeconds'>): void {
  try {
    checkTimeClaims(payload, { clock: o.clock, skewSeconds: o.skewSeconds });
  } catch (e) {
    if (e instanceof FormatError) throw formatError('kb_jwt_time_invalid', `KB-JWT ${e.message}`);
    throw e;
  }
}

export async function verifyKbJwt(kbJwt: string, o: VerifyKbJwtOptions): Promise<VerifiedKbJwt> {
  const parsed = parseCompactJws(kbJwt);
  checkKbJwtTyp(parsed.header);
  await checkKbJwtSignature(parsed, o.holderJwk);
  const { header, payload } = parsed;
  checkKbJwtIat(payload, o);
  checkKbJwtNonce(payload, o.nonce);
  checkKbJwtAud(payload, o.aud);
  checkKbJwtSdHash(payload, o.sdJwtWithoutKb);
  checkKbJwtValidity(payload, o);
  return { header, payload };
}
