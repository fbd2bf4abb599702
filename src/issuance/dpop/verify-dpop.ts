/**
 * The DPoP header of a request, checked end to end (RFC 9449 §4.3): exactly one proof, the proof
 * itself (check-dpop-proof.ts), a nonce this service handed out (§8 at the token endpoint, §9 at
 * the credential endpoint), and a `jti` never seen before within the proof's window (§11.1),
 * recorded in the shared store so a proof replayed to another node is refused as well.
 * Used by the token endpoint, the credential endpoint, and (for PAR) anyone who needs it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import { hashSecret } from '../vci-secrets.js';
import { checkDpopProof, type CheckedDpopProof } from './check-dpop-proof.js';
import { dpopError, DpopRefusal, type DpopPlace } from './dpop-errors.js';
import { dpopNonces, type DpopNonces } from './dpop-nonces.js';

/** `iat` tolerated in the future (clock offsets between phone and server). */
export const DPOP_IAT_SKEW_SECONDS = 60;
/** consumed_nonces.kind of a seen DPoP `jti`. */
const JTI_KIND = 'dpop_jti';

export interface DpopRequest {
  headers: IncomingHttpHeaders;
  /** HTTP method. */
  htm: string;
  /** The endpoint's public URL (PUBLIC_URL + path): what `htu` must name. */
  htu: string;
  /** At the credential endpoint: the access token (`ath`). */
  accessToken?: string;
}

export interface DpopVerifier {
  readonly nonces: DpopNonces;
  /** The checked proof, or undefined when the request carries no DPoP header; refusals are thrown for `place`. */
  verify(request: DpopRequest, place: DpopPlace): Promise<CheckedDpopProof | undefined>;
}

/** §4.3 (1): exactly one DPoP header (Node joins repeated unknown headers with ", ", which no JWS contains). */
function readDpopHeader(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers.dpop;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '' || raw.includes(','))
    throw new DpopRefusal('invalid_dpop_proof', 'send exactly one DPoP header', 'DPoP 헤더는 정확히 하나만 보내십시오.');
  return raw;
}

export function dpopVerifier(deps: { store: Pick<Store, 'nonces'>; clock: Clock; config: { dpopNonceTtlSeconds: number } }): DpopVerifier {
  const ttl = deps.config.dpopNonceTtlSeconds;
  const nonces = dpopNonces(deps.store, deps.clock, ttl);
  const check = async (request: DpopRequest): Promise<CheckedDpopProof | 'nonce' | undefined> => {
    const header = readDpopHeader(request.headers);
    if (header === undefined) return undefined;
    const proof = await checkDpopProof(header, {
      htm: request.htm,
      htu: request.htu,
      clock: deps.clock,
      maxAgeSeconds: ttl,
      skewSeconds: DPOP_IAT_SKEW_SECONDS,
      ...(request.accessToken !== undefined && { accessToken: request.accessToken }),
    });
    // §8 / §9: the proof must carry a nonce we handed out, or the client is told which to use.
    if (proof.nonce === undefined || !(await nonces.isValid(proof.nonce))) return 'nonce';
    // §11.1: a jti is accepted once while its proof could be accepted at all.
    const expiresAt = (proof.iat + ttl + 2 * DPOP_IAT_SKEW_SECONDS) * 1000;
    if (!(await deps.store.nonces.consume(hashSecret(`dpop:${proof.jkt}:${proof.jti}`), JTI_KIND, expiresAt)))
      throw new DpopRefusal(
        'invalid_dpop_proof',
        'this DPoP proof was already used (jti seen before)',
        '이미 사용된 DPoP 증명입니다(같은 jti). 요청마다 새 DPoP 증명을 만드십시오.',
      );
    return proof;
  };
  return {
    nonces,
    async verify(request, place) {
      try {
        const r = await check(request);
        if (r === 'nonce')
          throw dpopError(
            'use_dpop_nonce',
            'use the server-provided DPoP nonce',
            '이 응답의 DPoP-Nonce 헤더 값을 DPoP 증명의 일회용 값(nonce)으로 넣어 다시 보내십시오.',
            place,
            await nonces.current(),
          );
        return r;
      } catch (e) {
        if (e instanceof DpopRefusal) throw dpopError(e.code, e.message, e.ko, place);
        throw e;
      }
    },
  };
}
