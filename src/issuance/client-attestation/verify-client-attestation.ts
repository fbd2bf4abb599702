/**
 * OAuth 2.0 Attestation-Based Client Authentication (attest_jwt_client_auth), §7.1 and §7.2:
 * the `OAuth-Client-Attestation` JWT signed by a trusted wallet provider, and the
 * `OAuth-Client-Attestation-PoP` JWT signed by the key in its `cnf`. Exported for every
 * endpoint that authenticates wallets (the token endpoint here, PAR next).
 *
 * Refusals are `invalid_client` (401; §7.4 allows the general code). A request carrying
 * neither header is not authenticated this way (undefined); whether it must be is the caller's
 * policy (WALLET_ATTESTATION_REQUIRED).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JWK } from 'jose';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import { AppError, isAppError } from '../../errors.js';
import { withParticle } from '../../verdict/particle.js';
import { parseCompactJws } from '../../formats/jose/parse-compact-jws.js';
import { checkAlgAllowed, SUPPORTED_ALGS, verifyCompactJws } from '../../formats/jose/verify-compact-jws.js';
import { algForJwk } from '../../formats/jose/import-public-key.js';
import { checkTimeClaims } from '../../formats/jose/check-time-claims.js';
import { isJsonObject, type JsonObject, type ParsedJws } from '../../formats/jose/types.js';
import { checkHolderKey } from '../issue-credential.js';
import { hashSecret } from '../vci-secrets.js';
import type { TrustedWalletProviders } from './trusted-wallet-providers.js';
import { verifyProviderSignature } from './verify-provider-signature.js';

/** §4 `typ` of the attestation, §5.1 of its PoP. */
export const CLIENT_ATTESTATION_TYP = 'oauth-client-attestation+jwt';
export const CLIENT_ATTESTATION_POP_TYP = 'oauth-client-attestation-pop+jwt';
/** §8: the token endpoint authentication method. */
export const ATTEST_JWT_CLIENT_AUTH = 'attest_jwt_client_auth';
/** Oldest PoP `iat` accepted, and clock skew tolerated, seconds (§7.2 (6), §11.1). */
export const ATTESTATION_POP_MAX_AGE_SECONDS = 300;
const SKEW_SECONDS = 60;
const MAX_JWT_LENGTH = 8192;

export interface ClientAttestationDeps {
  walletProviders: TrustedWalletProviders;
  store: Pick<Store, 'nonces'>;
  clock: Clock;
  /** The authorization server's issuer identifier: the PoP's `aud` (§7.2 (7)). */
  audience: string;
}

export interface VerifiedClientAttestation {
  /** `sub` of the attestation: the client (wallet implementation) identifier. */
  clientId: string;
  /** Name of the trusted wallet provider that signed it. */
  provider: string;
  /** The wallet instance key of `cnf.jwk`. */
  cnfJwk: JWK;
  /** RFC 7638 thumbprint of `cnfJwk` (scopes the PoP's `jti`). */
  cnfJkt: string;
}

const invalidClient = (message: string, ko: string) => new AppError('invalid_client', message, { ko });

/** token68 (RFC 9110 §11.2) and exactly one header field (§7.1 (1), §7.2 (1)). */
function readJwtHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length > MAX_JWT_LENGTH || !/^[A-Za-z0-9\-._~+/]+=*$/.test(raw))
    throw invalidClient(`send exactly one ${name} header holding a JWT`, `${name} 헤더는 JWT 하나만 담아 한 번만 보내십시오.`);
  return raw;
}

function parse(jwt: string, what: string, whatKo: string): ParsedJws {
  try {
    return parseCompactJws(jwt);
  } catch {
    throw invalidClient(`the ${what} is not a well-formed JWT`, `${withParticle(whatKo, '이/가')} 올바른 형식의 JWT가 아닙니다.`);
  }
}

/** §7.1 (2)–(6): typed, allowed alg, signed by a trusted wallet provider, fresh, with a public `cnf.jwk`. */
async function checkAttestation(jwt: string, deps: ClientAttestationDeps): Promise<VerifiedClientAttestation> {
  const parsed = parse(jwt, 'client attestation', '지갑 증명');
  const { header, payload } = parsed;
  if (header.typ !== CLIENT_ATTESTATION_TYP)
    throw invalidClient(
      `the client attestation typ must be ${CLIENT_ATTESTATION_TYP}`,
      `지갑 증명의 유형(typ)이 ${withParticle(CLIENT_ATTESTATION_TYP, '이/가')} 아닙니다.`,
    );
  let alg;
  try {
    alg = checkAlgAllowed(header.alg, SUPPORTED_ALGS);
  } catch {
    throw invalidClient('the client attestation alg is not allowed', '지갑 증명에 허용되지 않는 서명 알고리즘(alg)을 썼습니다.');
  }
  const provider = await verifyProviderSignature(parsed, alg, CLIENT_ATTESTATION_TYP, deps.walletProviders, new Date(deps.clock.now()));
  if (provider === undefined)
    throw invalidClient(
      'the client attestation is not signed by a trusted wallet provider',
      '신뢰하는 지갑 제공자가 서명한 지갑 증명이 아닙니다.',
    );
  // §4: sub, exp and cnf are required; §7.1 (6) freshness by exp.
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255)
    throw invalidClient('the client attestation needs a sub', '지갑 증명에 클라이언트 식별자(sub)가 없습니다.');
  if (typeof payload.exp !== 'number') throw invalidClient('the client attestation needs an exp', '지갑 증명에 만료 시각(exp)이 없습니다.');
  try {
    checkTimeClaims(payload, { clock: deps.clock, skewSeconds: SKEW_SECONDS, requireExp: true });
  } catch (e) {
    throw invalidClient(
      `the client attestation is not valid now (${isAppError(e) ? e.code : 'time claims'})`,
      '지갑 증명의 유효기간이 지났거나 아직 시작되지 않았습니다.',
    );
  }
  // §7.1 (5): the cnf key is a public key (and, here, a real curve point).
  const cnf = payload.cnf;
  if (!isJsonObject(cnf) || !isJsonObject(cnf.jwk))
    throw invalidClient('the client attestation needs cnf.jwk', '지갑 증명에 지갑 키(cnf.jwk)가 없습니다.');
  let cnfKey: { jwk: JWK; jkt: string };
  try {
    cnfKey = checkHolderKey(cnf.jwk);
  } catch {
    throw invalidClient(
      'the client attestation cnf.jwk is not a public P-256 or Ed25519 key',
      '지갑 증명의 지갑 키(cnf.jwk)가 P-256 또는 Ed25519 공개 키가 아닙니다.',
    );
  }
  return { clientId: payload.sub, provider, cnfJwk: cnfKey.jwk, cnfJkt: cnfKey.jkt };
}

/** §7.2 (2)–(9): typed, signed by cnf.jwk, for us, fresh, and never seen before (§11.1 jti). */
async function checkPop(jwt: string, cnf: { jwk: JWK; jkt: string }, deps: ClientAttestationDeps): Promise<void> {
  const cnfJwk = cnf.jwk;
  const parsed = parse(jwt, 'client attestation PoP', '지갑 증명의 소유 증명');
  const { header, payload } = parsed;
  if (header.typ !== CLIENT_ATTESTATION_POP_TYP)
    throw invalidClient(
      `the client attestation PoP typ must be ${CLIENT_ATTESTATION_POP_TYP}`,
      `지갑 증명의 소유 증명 유형(typ)이 ${withParticle(CLIENT_ATTESTATION_POP_TYP, '이/가')} 아닙니다.`,
    );
  const alg = algForJwk(cnfJwk);
  try {
    await verifyCompactJws(parsed, {
      resolveKey: () => ({ jwk: cnfJwk, alg }),
      allowedAlgs: SUPPORTED_ALGS,
      expectedTyp: CLIENT_ATTESTATION_POP_TYP,
    });
  } catch {
    throw invalidClient(
      'the client attestation PoP is not signed by the attested key',
      '지갑 증명의 소유 증명이 지갑 증명에 담긴 키로 서명되지 않았습니다.',
    );
  }
  if (!audienceIs(payload, deps.audience))
    throw invalidClient(
      'the client attestation PoP aud must be this authorization server',
      '지갑 증명의 소유 증명 대상(aud)이 이 인가 서버가 아닙니다.',
    );
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256)
    throw invalidClient('the client attestation PoP needs a jti', '지갑 증명의 소유 증명에 식별자(jti)가 없거나 너무 깁니다.');
  if (typeof payload.iat !== 'number')
    throw invalidClient('the client attestation PoP needs an iat', '지갑 증명의 소유 증명에 발행 시각(iat)이 없습니다.');
  try {
    checkTimeClaims(payload, { clock: deps.clock, skewSeconds: SKEW_SECONDS, maxIatAgeSeconds: ATTESTATION_POP_MAX_AGE_SECONDS });
  } catch (e) {
    throw invalidClient(
      `the client attestation PoP is not fresh (${isAppError(e) ? e.code : 'time claims'})`,
      '지갑 증명의 소유 증명이 너무 오래되었거나 시각이 맞지 않습니다. 새로 만들어 보내십시오.',
    );
  }
  const expiresAt = (payload.iat + ATTESTATION_POP_MAX_AGE_SECONDS + 2 * SKEW_SECONDS) * 1000;
  if (!(await deps.store.nonces.consume(hashSecret(`attest-pop:${cnf.jkt}:${payload.jti}`), 'attest_pop', expiresAt)))
    throw invalidClient(
      'this client attestation PoP was already used (jti seen before)',
      '이미 사용된 지갑 증명의 소유 증명입니다. 요청마다 새로 만드십시오.',
    );
}

/** §5.1 `aud`: a single audience, the AS issuer identifier (an array of exactly that one is tolerated). */
function audienceIs(payload: JsonObject, audience: string): boolean {
  const aud = payload.aud;
  return aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience);
}

/**
 * The request's wallet attestation, verified, or undefined when it carries neither header.
 * `clientId`: the request's `client_id`, if any, which must be the attestation's `sub` (§7.1 (7)).
 */
export async function verifyClientAttestation(
  deps: ClientAttestationDeps,
  headers: IncomingHttpHeaders,
  clientId?: string,
): Promise<VerifiedClientAttestation | undefined> {
  const attestation = readJwtHeader(headers, 'oauth-client-attestation');
  const pop = readJwtHeader(headers, 'oauth-client-attestation-pop');
  if (attestation === undefined && pop === undefined) return undefined;
  if (attestation === undefined || pop === undefined)
    throw invalidClient(
      'send both OAuth-Client-Attestation and OAuth-Client-Attestation-PoP',
      '지갑 증명(OAuth-Client-Attestation)과 그 소유 증명(OAuth-Client-Attestation-PoP)을 함께 보내십시오.',
    );
  const verified = await checkAttestation(attestation, deps);
  await checkPop(pop, { jwk: verified.cnfJwk, jkt: verified.cnfJkt }, deps);
  if (clientId !== undefined && clientId !== verified.clientId)
    throw invalidClient(
      'client_id is not the sub of the client attestation',
      '클라이언트 식별자(client_id)가 지갑 증명에 적힌 클라이언트가 아닙니다.',
    );
  return verified;
}
