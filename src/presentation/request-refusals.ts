/**
 * Why a wallet's answer (or its fetch of a request object) is refused, in both languages. These
 * travel under OAuth's few codes (`invalid_request`, `invalid_request_uri`: OpenID4VP §8.5 and
 * RFC 9101 §6.2), whose catalogue sentence cannot say which of them it was; a reader of Korean is
 * told the reason as the English is (AppError `ko`).
 */
import { AppError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

export const REQUEST_REFUSALS = {
  stateMalformed: {
    en: 'state is missing or malformed',
    ko: '응답에 상태 값(state)이 없거나 형식이 맞지 않습니다.',
  },
  stateUnknown: {
    en: 'unknown state',
    ko: '이 응답이 가리키는 요청이 없습니다. 검증기관에서 새 요청을 받아 다시 시도하십시오.',
  },
  notFound: { en: 'no such request', ko: '요청이 없습니다. 검증기관에서 새 요청을 받아 다시 시도하십시오.' },
  expired: {
    en: 'the request has expired',
    ko: '요청의 유효 시간이 지났습니다. 검증기관에서 새 요청을 받으십시오.',
  },
  answered: {
    en: 'the request was already answered',
    ko: '이 요청에는 이미 응답이 제출되었습니다. 한 요청에는 한 번만 응답할 수 있습니다.',
  },
  answeredOrExpired: {
    en: 'the request was already answered or has expired',
    ko: '이 요청에는 이미 응답이 제출되었거나 유효 시간이 지났습니다.',
  },
  vpTokenMissing: { en: 'vp_token is missing', ko: '응답에 제출할 증명서(vp_token)가 없습니다.' },
  vpTokenNotObject: {
    en: 'vp_token is not a JSON object',
    ko: '제출한 증명서 묶음(vp_token)이 JSON 객체가 아니거나 JSON 규칙(같은 이름이 두 번 나오는 항목, 지나친 중첩, 범위를 벗어난 숫자 등)에 어긋납니다.',
  },
  errorAndVpToken: {
    en: 'an answer carries either error or vp_token, not both',
    ko: '응답에는 오류(error)와 증명서(vp_token) 중 하나만 담아야 합니다.',
  },
  neither: {
    en: 'data holds neither vp_token nor error',
    ko: '응답에 증명서(vp_token)도 오류(error)도 없습니다.',
  },
  walletMetadata: {
    en: 'wallet_metadata is not a JSON object',
    ko: '지갑 정보(wallet_metadata)가 JSON 객체가 아니거나 JSON 규칙에 어긋납니다.',
  },
  walletMetadataTwice: {
    en: 'wallet_metadata is given twice or is not text',
    ko: '지갑 정보(wallet_metadata)가 두 번 들어 있거나 문자열이 아닙니다.',
  },
  walletNonce: {
    en: 'wallet_nonce must be 1 to 128 printable ASCII characters',
    ko: '지갑 일회용 값(wallet_nonce)은 출력 가능한 ASCII 문자 1~128자여야 합니다.',
  },
  verifierRevoked: {
    en: 'the verifier that made this request was revoked; it takes no answers',
    ko: '이 요청을 만든 검증기관의 이용 권한이 취소되었습니다. 응답을 제출하지 마십시오.',
  },
  dcApiOnly: {
    en: 'this request is answered through the Digital Credentials API',
    ko: '이 요청은 브라우저의 디지털 증명서 API로만 응답할 수 있습니다.',
  },
} as const satisfies Record<string, { en: string; ko: string }>;

export type RequestRefusal = keyof typeof REQUEST_REFUSALS;

/** The refusal `which` under `code`, with its own English detail and Korean sentence. */
export const requestRefusal = (code: ErrorCode, which: RequestRefusal, opts: { status?: number; detail?: string } = {}): AppError =>
  new AppError(code, opts.detail ?? REQUEST_REFUSALS[which].en, {
    ko: REQUEST_REFUSALS[which].ko,
    ...(opts.status !== undefined && { status: opts.status }),
  });
