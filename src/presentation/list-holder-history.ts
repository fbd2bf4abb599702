/**
 * `GET /v1/wallet/history`: where were my credentials presented? The wallet proves it holds a
 * credential's key with a short JWT (format below) and gets the receipts of presentations made
 * with that key (matched on the RFC 7638 thumbprint of `cnf.jwk`).
 *
 * History JWT (`Authorization: Bearer <jwt>`):
 *   header  { "typ": "dproof-history+jwt", "alg": "ES256" | "EdDSA", "jwk": <holder public key> }
 *   payload { "aud": "<PUBLIC_URL>/v1/wallet/history", "iat": <now>, "jti": "<random ≥128 bits>",
 *             "cnf": { "jkt": "<RFC 7638 thumbprint of that jwk>" } }
 * signed by the holder key. Here the header `jwk` IS the identity being proven (as in DPoP,
 * RFC 9449 §4.2), never an issuer key; the signature proves possession, `cnf.jkt` must match
 * it, `aud` pins this endpoint, `iat` must be fresh (KB_JWT_MAX_AGE_SECONDS) and each `jti` is
 * accepted once, so a captured token cannot be replayed.
 */
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import { checkTimeClaims } from '../formats/jose/check-time-claims.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { checkHolderJwk } from '../formats/sd-jwt-vc/check-sd-jwt-vc.js';
import { nonceHash } from '../verification/create-verification-context.js';
import type { PresentationDeps } from './presentation-deps.js';
import { viewReceipt } from './record-receipt.js';

export const HISTORY_TYP = 'dproof-history+jwt';
export const historyAudience = (publicUrl: string): string => `${publicUrl}/v1/wallet/history`;

const JTI = /^[A-Za-z0-9._~-]{22,128}$/;
/** Every refusal here is a 401, also when it carries the code of the JOSE or time rule that failed. */
const refuse = (code: ErrorCode, message: string) => new AppError(code, message, { status: 401 });

export async function listHolderHistory(deps: PresentationDeps, authorization: string | undefined, limit = 100): Promise<JsonObject> {
  const m = /^Bearer ([A-Za-z0-9_.-]{1,8192})$/.exec(authorization ?? '');
  if (!m) throw refuse('missing_history_token', 'send Authorization: Bearer <dproof-history+jwt signed by the holder key>');
  let jkt: string;
  let payload: JsonObject;
  try {
    const jws = parseCompactJws(m[1]!);
    if (!isJsonObject(jws.header.jwk)) throw refuse('history_token_invalid', 'the header carries no holder jwk');
    // A real public key in its canonical encoding: a small-order Ed25519 key "verifies" a
    // constant signature, which would hand anyone that holder's receipts.
    const jwk = checkHolderJwk(jws.header.jwk);
    const alg = algForJwk(jwk);
    // RFC 8725bis §3.11: explicit typing; the alg must be the one of the holder key.
    ({ payload } = await verifyCompactJws(jws, { resolveKey: () => ({ jwk, alg }), allowedAlgs: [alg], expectedTyp: HISTORY_TYP }));
    jkt = jwkThumbprint(jwk);
  } catch (e) {
    if (isAppError(e) && e.status === 401) throw e;
    throw refuse(isAppError(e) ? e.code : 'history_token_invalid', 'the history token does not verify');
  }
  if (payload.aud !== historyAudience(deps.config.publicUrl)) throw refuse('history_token_aud_mismatch', 'aud must be this endpoint');
  const cnf = payload.cnf;
  if (!isJsonObject(cnf) || cnf.jkt !== jkt)
    throw refuse('history_token_cnf_mismatch', 'cnf.jkt must be the thumbprint of the signing key');
  try {
    checkTimeClaims(payload, {
      clock: deps.clock,
      skewSeconds: deps.config.verificationSkewSeconds,
      maxIatAgeSeconds: deps.config.kbJwtMaxAgeSeconds,
    });
  } catch (e) {
    throw refuse(isAppError(e) ? e.code : 'jwt_time_claim_invalid', 'the history token is not fresh');
  }
  if (typeof payload.jti !== 'string' || !JTI.test(payload.jti))
    throw refuse('history_token_jti_invalid', 'jti must be a random value of at least 128 bits');
  const expiresAt = ((payload.iat as number) + deps.config.kbJwtMaxAgeSeconds + 2 * deps.config.verificationSkewSeconds) * 1000;
  if (!(await deps.store.nonces.consume(nonceHash(`history:${payload.jti}`), 'history', expiresAt))) {
    throw refuse('history_token_reused', 'this history token was already used');
  }
  const rows = await deps.store.receipts.forHolder(jkt, limit);
  return { holder_jkt: jkt, items: rows.map(viewReceipt) };
}
