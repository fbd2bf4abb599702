/**
 * The words for status acts and key states, in Korean and English, for every page and every
 * Korean API message: one vocabulary, kept here so the console, the verifier counter, the wallet
 * and the error catalogue say the same thing. Pure: the server and browser code both import it.
 *
 * Why these words (Korean public services, 행정 용어):
 * - A certificate's status acts follow the wording of licences and certificates in Korean law:
 *   효력 정지 (suspension of effect), 정지 해제 (lifting the suspension) and 폐지 (abolition, for
 *   good). "취소" is avoided: next to "정지" on a button it reads as "Cancel", and 취소 in
 *   administrative law also means annulment from the start, which is not what revocation does.
 * - A signing key is 사용 중 (signs), 교체 중 (replaced: signs no more, still published so that
 *   what it signed verifies) and 폐기 (destroyed, gone from the JWKS) — the PKI words for key
 *   rollover and key destruction. "퇴역" is a military word no clerk expects on a screen.
 */
import type { X509Refusal } from '../holder/check-x509-request.js';

/** A word or phrase in both page languages. */
export interface Term {
  readonly ko: string;
  readonly en: string;
}

/** A credential's status as the registry keeps it. */
export const CREDENTIAL_STATUS: Readonly<Record<'valid' | 'suspended' | 'revoked', Term>> = {
  valid: { ko: '유효', en: 'valid' },
  suspended: { ko: '효력 정지', en: 'suspended' },
  revoked: { ko: '폐지', en: 'revoked' },
};

/** What the wallet reported about credentials it received (OpenID4VCI §11 notification events). */
export const WALLET_EVENT: Readonly<Record<'credential_accepted' | 'credential_failure' | 'credential_deleted', Term>> = {
  credential_accepted: { ko: '지갑에 저장됨', en: 'stored in the wallet' },
  credential_failure: { ko: '지갑 저장 실패', en: 'the wallet could not store it' },
  credential_deleted: { ko: '소지자가 삭제함', en: 'deleted by the holder' },
};

/** What an issuer does to a credential (the buttons, the audit log). */
export const STATUS_ACT: Readonly<Record<'suspend' | 'reinstate' | 'revoke', Term>> = {
  suspend: { ko: '효력 정지', en: 'Suspend' },
  reinstate: { ko: '정지 해제', en: 'Reinstate' },
  revoke: { ko: '폐지', en: 'Revoke' },
};

/** A signing key's state (src/keys). */
export const KEY_STATE: Readonly<Record<'active' | 'retiring' | 'retired', Term>> = {
  active: { ko: '사용 중', en: 'active' },
  retiring: { ko: '교체 중', en: 'retiring' },
  retired: { ko: '폐기', en: 'retired' },
};

/** The key state in words, or the raw state when a newer server sends one this page does not know. */
export const keyStateTerm = (state: string): Term =>
  Object.hasOwn(KEY_STATE, state) ? KEY_STATE[state as keyof typeof KEY_STATE] : { ko: state, en: state };

/** Words a Korean text must not use (test/verdict/korean-words.test.ts scans the UI tables for them). */
export const AVOIDED_KOREAN = [
  { word: '취소', why: 'reads as "Cancel"; a credential is 폐지, a status change is 정지 해제' },
  { word: '퇴역', why: 'a military word; a key being replaced is 교체 중' },
  { word: '이(가)', why: 'choose the particle by the final consonant (withParticle)' },
  { word: '을(를)', why: 'choose the particle by the final consonant (withParticle)' },
  { word: '은(는)', why: 'choose the particle by the final consonant (withParticle)' },
  { word: '과(와)', why: 'choose the particle by the final consonant (withParticle)' },
  { word: '와(과)', why: 'choose the particle by the final consonant (withParticle)' },
  { word: '(으)로', why: 'choose the particle by the final consonant (withParticle)' },
] as const;

/**
 * Why a wallet refuses a verifier's request before showing it (holder/check-x509-request.ts
 * reasons, and the Digital Credentials API origin check): one sentence each, in words a holder
 * acts on — never a code, no English in the Korean. 인증서 is the verifier's X.509 certificate;
 * 증명서 stays the holder's credential.
 */
export const REQUEST_REFUSAL: Readonly<Record<X509Refusal | 'origin_mismatch', Term>> = {
  not_x509: {
    ko: '알 수 없는 방식으로 자신을 밝힌 검증기관입니다.',
    en: 'The verifier identifies itself in a way this wallet does not support.',
  },
  no_trust_anchor: {
    ko: '이 지갑에는 검증기관의 인증서를 확인할 신뢰 기준이 없습니다. 서비스 운영자에게 문의하십시오.',
    en: 'This wallet has no trust anchor to check the verifier’s certificate with. Ask the service operator.',
  },
  no_x5c: {
    ko: '검증기관이 요청에 인증서를 붙이지 않았습니다. 제출하지 마십시오.',
    en: 'The verifier sent no certificate with its request. Do not present.',
  },
  certificate_expired: {
    ko: '검증기관의 인증서가 유효기간 밖입니다. 제출하지 마십시오.',
    en: 'The verifier’s certificate has expired or is not yet valid. Do not present.',
  },
  chain_untrusted: {
    ko: '이 지갑이 신뢰하는 인증기관이 발급한 검증기관 인증서가 아닙니다. 제출하지 마십시오.',
    en: 'The verifier’s certificate was not issued by an authority this wallet trusts. Do not present.',
  },
  bad_signature: {
    ko: '요청 서명이 맞지 않습니다. 제출하지 마십시오.',
    en: 'The request signature does not verify. Do not present.',
  },
  hash_mismatch: {
    ko: '요청에 적힌 검증기관 식별자가 요청에 서명한 인증서와 맞지 않습니다. 제출하지 마십시오.',
    en: 'The verifier identifier in the request (x509_hash) is not the certificate that signed it. Do not present.',
  },
  san_mismatch: {
    ko: '검증기관의 인증서가 요청에 적힌 주소의 것이 아닙니다. 제출하지 마십시오.',
    en: 'The verifier’s certificate is not for the address in the request (x509_san_dns). Do not present.',
  },
  response_uri_host: {
    ko: '응답을 보낼 주소가 검증기관 인증서의 주소와 다릅니다. 제출하지 마십시오.',
    en: 'The answer would go to another address than the verifier’s certificate names. Do not present.',
  },
  origin_mismatch: {
    ko: '요청한 웹사이트가 검증기관이 밝힌 웹사이트가 아닙니다. 제출하지 마십시오.',
    en: 'The website asking is not one the verifier named in its request. Do not present.',
  },
};
