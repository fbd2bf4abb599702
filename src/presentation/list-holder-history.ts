/**
 * `GET /v1/wallet/history`: where were my credentials presented? The wallet proves it holds a
 * credential's key with a short JWT (format below) and gets the receipts of presentations made
 * with that key (matched on the RFC 7638 thumbprint of `cnf.jwk`).
 *
 * History JWT (`Authorization: Bearer <jwt>`, the scheme in any case, RFC 9110 §11.1):
 *   header  { "typ": "dproof-history+jwt", "alg": "ES256" | "EdDSA", "jwk": <holder public key> }
 *   payload { "aud": "<PUBLIC_URL>/v1/wallet/history", "iat": <now>, "jti": "<random ≥128 bits>",
 *             "cnf": { "jkt": "<RFC 7638 thumbprint of that jwk>" } }
 * signed by the holder key. Here the header `jwk` IS the identity being proven (as in DPoP,
 * RFC 9449 §4.2), never an issuer key; the signature proves possession, `cnf.jkt` must match
 * it, `aud` pins this endpoint (without the query), `iat` must be fresh (KB_JWT_MAX_AGE_SECONDS)
 * and each `jti` is accepted once per holder key, so a captured token cannot be replayed.
 *
 * Pages: newest first by (time, receipt id), at most `limit` (1–100, default 100) receipts; the
 * answer's `next` is the opaque cursor of the page after it (`?cursor=<next>`), null after the
 * last. A token is spent by the page it asks for: the wallet signs a new one for each page.
 */
import { bearerCredentials } from '../formats/authorization-header.js';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { AppError, badRequest, isAppError, type ErrorCode } from '../errors.js';
import { checkTimeClaims } from '../formats/jose/check-time-claims.js';
import { checkPublicJwk } from '../formats/jose/check-public-jwk.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { nonceHash } from '../verification/create-verification-context.js';
import type { HistoryPosition } from '../store/repositories/receipts-repo.js';
import type { PresentationDeps } from './presentation-deps.js';
import { viewReceipt } from './record-receipt.js';

export const HISTORY_TYP = 'dproof-history+jwt';
export const historyAudience = (publicUrl: string): string => `${publicUrl}/v1/wallet/history`;

/** Receipts per page: `limit` is 1 to this, and this when not given. */
export const HISTORY_MAX_LIMIT = 100;
/** Longest history token taken (a compact JWS with a public key in its header is far shorter). */
export const HISTORY_TOKEN_MAX_LENGTH = 8192;
/** Longest cursor: base64url of `[<ms>, "<receipt id ≤ 64 characters>"]`. */
export const HISTORY_CURSOR_MAX_LENGTH = 256;

const JTI = /^[A-Za-z0-9._~-]{22,128}$/;
const COMPACT_JWS = /^[A-Za-z0-9_.-]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/**
 * Every refusal of the token is a 401 (the query's are 400s, readQuery). A JOSE or iat rule that failed keeps its code, whose catalogue
 * sentences fit any token; a refusal whose code would speak of a credential (its cnf key, its
 * expiry) is history_token_invalid with its own sentence, in English and Korean.
 */
const refuse = (code: ErrorCode, message: string, ko?: string) =>
  new AppError(code, message, { status: 401, ...(ko !== undefined && { ko }) });

export interface HistoryQuery {
  /** 1–100 as sent (query values are strings); 100 when absent. */
  limit?: string;
  /** The `next` of the previous page. */
  cursor?: string;
}

/** The opaque cursor of the page after the one ending with this receipt. */
export const encodeHistoryCursor = (p: HistoryPosition): string => Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');

/** The position a cursor names, or undefined when it is not one encodeHistoryCursor could have written. */
export function decodeHistoryCursor(cursor: string): HistoryPosition | undefined {
  if (cursor.length > HISTORY_CURSOR_MAX_LENGTH || !BASE64URL.test(cursor)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [at, id] = v as [unknown, unknown];
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) return undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return undefined;
  const p = { at, id };
  // One spelling per position: a cursor is what this service wrote, byte for byte.
  return encodeHistoryCursor(p) === cursor ? p : undefined;
}

function readQuery(q: HistoryQuery): { limit: number; after: HistoryPosition | undefined } {
  // The one rule for both (the route's schema only says they are single strings).
  const limit = q.limit === undefined ? HISTORY_MAX_LIMIT : /^(?:[1-9][0-9]?|100)$/.test(q.limit) ? Number(q.limit) : NaN;
  if (!(limit >= 1 && limit <= HISTORY_MAX_LIMIT)) {
    throw new AppError('invalid_request', `limit must be an integer from 1 to ${HISTORY_MAX_LIMIT}`, {
      status: 400,
      ko: `한 번에 받을 기록 수(limit)는 1부터 ${HISTORY_MAX_LIMIT}까지의 정수여야 합니다.`,
    });
  }
  if (q.cursor === undefined) return { limit, after: undefined };
  const after = decodeHistoryCursor(q.cursor);
  if (!after) {
    throw badRequest(
      'invalid_cursor',
      'cursor must be the next of a previous page, as this service sent it',
      undefined,
      '목록 페이지 위치(cursor)가 이 서비스가 알려 준 값이 아닙니다.',
    );
  }
  return { limit, after };
}

/** The token an Authorization header carries, or a refusal that says what is wrong with the header. */
function bearerToken(authorization: string | undefined): string {
  // RFC 6750 §2.1 / RFC 9110 §11.4: the scheme is case-insensitive, then 1*SP (a tab taken too).
  const token = bearerCredentials(authorization);
  if (token === undefined)
    throw refuse('missing_history_token', 'send Authorization: Bearer <dproof-history+jwt signed by the holder key>');
  if (token.length > HISTORY_TOKEN_MAX_LENGTH) {
    throw refuse(
      'history_token_invalid',
      `the history token is longer than ${HISTORY_TOKEN_MAX_LENGTH} characters`,
      `이력 토큰이 ${HISTORY_TOKEN_MAX_LENGTH}자보다 깁니다.`,
    );
  }
  // A token that is there is never "missing": one no compact JWS could be is invalid, and says why.
  if (!COMPACT_JWS.test(token)) {
    throw refuse(
      'history_token_invalid',
      'the history token is not a compact JWS (base64url segments separated by dots)',
      '이력 토큰이 간결 직렬화(compact) JWS 형식이 아닙니다. 점(.)으로 구분한 base64url 부분들로 이루어져야 합니다.',
    );
  }
  return token;
}

/** Why the time claims refuse the token, in words about a history token (never "an expired credential"). */
function timeRefusal(e: unknown, maxAgeSeconds: number): AppError {
  const code = isAppError(e) ? e.code : 'jwt_time_claim_invalid';
  switch (code) {
    case 'jwt_expired':
      return refuse(
        'history_token_invalid',
        'the history token has expired (exp has passed): sign a new one',
        '이력 토큰의 만료 시각(exp)이 지났습니다. 새 토큰에 서명하여 보내십시오.',
      );
    case 'jwt_not_yet_valid':
      return refuse(
        'history_token_invalid',
        'the history token is not valid yet (nbf is in the future)',
        '이력 토큰의 효력 시작 시각(nbf)이 아직 되지 않았습니다.',
      );
    case 'jwt_iat_too_old':
      return refuse(code, `the history token's iat is more than ${maxAgeSeconds} s old: sign a new one`);
    case 'jwt_iat_in_future':
      return refuse(code, "the history token's iat is in the future (is the wallet's clock right?)");
    case 'jwt_iat_missing':
      return refuse(code, 'the history token must carry iat (when it was signed)');
    case 'jwt_time_claim_invalid':
      return refuse(code, "the history token's iat must be a NumericDate (exp and nbf too, when present)");
    default:
      return refuse('history_token_invalid', 'the history token is not fresh');
  }
}

/** Checks the history token and spends its jti; answers the holder key's thumbprint. */
async function authenticateHolder(deps: PresentationDeps, authorization: string | undefined): Promise<string> {
  const token = bearerToken(authorization);
  let jkt: string;
  let payload: JsonObject;
  try {
    const jws = parseCompactJws(token);
    if (!isJsonObject(jws.header.jwk)) throw refuse('history_token_invalid', 'the header carries no holder jwk');
    // A real public key in its canonical encoding: a small-order Ed25519 key "verifies" a
    // constant signature, which would hand anyone that holder's receipts.
    let jwk;
    try {
      jwk = checkPublicJwk(jws.header.jwk);
    } catch (e) {
      throw refuse(
        'history_token_invalid',
        `the header jwk is not a canonical public P-256 or Ed25519 key: ${e instanceof Error ? e.message : 'not a public JWK'}`,
        '이력 토큰 헤더의 키(jwk)가 정규 형식의 P-256 또는 Ed25519 공개 키가 아닙니다.',
      );
    }
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
    throw timeRefusal(e, deps.config.kbJwtMaxAgeSeconds);
  }
  if (typeof payload.jti !== 'string' || !JTI.test(payload.jti))
    throw refuse('history_token_jti_invalid', 'jti must be a random value of at least 128 bits');
  const expiresAt = ((payload.iat as number) + deps.config.kbJwtMaxAgeSeconds + 2 * deps.config.verificationSkewSeconds) * 1000;
  // Spent per holder key: the same jti under another key is another token, not a replay of this one.
  if (!(await deps.store.nonces.consume(nonceHash(`history:${jkt}:${payload.jti}`), 'history', expiresAt))) {
    throw refuse('history_token_reused', 'this history token was already used: sign a new one for each request');
  }
  return jkt;
}

export async function listHolderHistory(
  deps: PresentationDeps,
  authorization: string | undefined,
  query: HistoryQuery = {},
): Promise<JsonObject> {
  // The query first: a malformed one is refused without spending the token.
  const { limit, after } = readQuery(query);
  const jkt = await authenticateHolder(deps, authorization);
  // One row more than the page tells whether another page follows, so the last page says so
  // itself (no empty page to fetch).
  const rows = await deps.store.receipts.forHolder(jkt, { limit: limit + 1, after });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    holder_jkt: jkt,
    items: page.map(viewReceipt),
    next: rows.length > limit && last ? encodeHistoryCursor({ at: last.at, id: last.id }) : null,
  };
}
