/**
 * Why a proof's time claims were refused (checkTimeClaims' codes), in Korean, for any proof the
 * issuer reads (a key proof, a DPoP proof): one set of sentences with the proof's name in it. Every
 * name ends in 증명, so 입니다 and the particles below fit each.
 */
import { isAppError } from '../errors.js';

const SENTENCES: Readonly<Record<string, (proof: string) => string>> = {
  jwt_iat_missing: (p) => `${p}에 발행 시각(iat)이 없습니다.`,
  jwt_iat_in_future: (p) => `${p}의 발행 시각(iat)이 미래 시각입니다. 기기의 시계를 확인하십시오.`,
  jwt_iat_too_old: (p) => `너무 오래된 ${p}입니다. 새로 만들어 보내십시오.`,
  jwt_expired: (p) => `만료 시각(exp)이 지난 ${p}입니다. 새로 만들어 보내십시오.`,
  jwt_not_yet_valid: (p) => `아직 효력 시작 시각(nbf)이 되지 않은 ${p}입니다.`,
};

/** The Korean refusal of `proof` (`키 소유 증명`, `DPoP 증명`) for the time-claim error `e`. */
export const timeClaimKo = (proof: '키 소유 증명' | 'DPoP 증명', e: unknown, other: string): string =>
  (isAppError(e) && Object.hasOwn(SENTENCES, e.code) ? SENTENCES[e.code]!(proof) : undefined) ?? other;
