/**
 * One sentence in Korean and English per verdict code, for the person at the counter. Codes
 * without a sentence of their own fall back to the sentence of the check that failed.
 * Pure: the server puts it in the verification answer, the verifier page shows it.
 */
import type { CheckName } from './check-names.js';
import { CREDENTIAL_STATUS, STATUS_ACT } from './glossary.js';

export interface ClerkMessage {
  ko: string;
  en: string;
}

const BY_CODE: Record<string, ClerkMessage> = {
  verified: { ko: '확인되었습니다. 요청한 항목만 표시됩니다.', en: 'Verified. Only the requested items are shown.' },
  credential_revoked: {
    ko: `${CREDENTIAL_STATUS.revoked.ko}된 증명서입니다. 받지 마십시오.`,
    en: 'This credential has been revoked. Do not accept it.',
  },
  credential_suspended: { ko: '효력이 정지된 증명서입니다. 받지 마십시오.', en: 'This credential is suspended. Do not accept it.' },
  untrusted_issuer: { ko: '신뢰할 수 없는 발급기관의 증명서입니다.', en: 'The issuer of this credential is not trusted here.' },
  jwt_expired: { ko: '유효기간이 지난 증명서입니다.', en: 'This credential has expired.' },
  jwt_not_yet_valid: { ko: '아직 효력이 시작되지 않은 증명서입니다.', en: 'This credential is not valid yet.' },
  kb_jwt_missing: {
    ko: '소지자 확인 서명이 없습니다. 휴대전화에서 다시 제시해 주십시오.',
    en: 'The holder signature is missing. Ask the holder to present again from the phone.',
  },
  kb_jwt_iat_invalid: {
    ko: 'QR이 만료되었거나 시각이 맞지 않습니다. 새 QR을 요청하십시오.',
    en: 'The QR is too old or its time is wrong. Ask for a fresh QR.',
  },
  kb_jwt_time_invalid: {
    ko: '소지자 확인 서명의 유효 시간이 지났거나 아직 시작되지 않았습니다. 휴대전화에서 다시 제시해 주십시오.',
    en: "The holder's signature has expired or is not valid yet. Ask the holder to present again from the phone.",
  },
  kb_jwt_nonce_mismatch: { ko: '이 요청에 대한 제시가 아닙니다.', en: 'This presentation was not made for this request.' },
  kb_jwt_aud_mismatch: { ko: '다른 검증기관을 위해 만든 제시입니다.', en: 'This presentation was made for another verifier.' },
  nonce_not_issued: {
    ko: '이 창구에서 만든 QR이 아니거나 창구 QR의 유효 시간이 지났습니다. 창구 QR을 다시 스캔하여 새 QR을 만들어 주십시오.',
    en: 'This QR was not made for this counter, or the counter code it answers has expired. Ask the holder to scan the counter code again.',
  },
  nonce_reused: { ko: '이미 사용된 QR입니다. 새 QR을 요청하십시오.', en: 'This QR has already been used. Ask for a fresh QR.' },
  issuer_keys_unreachable: {
    ko: '발급기관의 서명 키를 가져오지 못해 확인을 완료하지 못했습니다. 잠시 후 다시 시도하십시오.',
    en: "The issuer's keys could not be fetched, so the credential is not confirmed. Try again shortly.",
  },
  sd_jwt_vc_vct_missing: {
    ko: '증명서 종류가 적혀 있지 않은 증명서입니다. 받지 마십시오.',
    en: 'This credential does not say what kind it is. Do not accept it.',
  },
  sd_jwt_vc_iss_missing: {
    ko: '발급기관이 적혀 있지 않은 증명서입니다. 받지 마십시오.',
    en: 'This credential does not say who issued it. Do not accept it.',
  },
  // A wallet's answer as a whole (OpenID4VP §8.1, §6.4.2), before or beside its presentations.
  vp_token_unknown_query: {
    ko: '요청하지 않은 증명서로 답했습니다. 다시 요청하십시오.',
    en: 'The wallet answered with a credential that was not asked for. Ask again.',
  },
  vp_token_not_array: {
    ko: '지갑의 답변 형식이 올바르지 않습니다. 다시 요청하십시오.',
    en: "The wallet's answer is not in the expected form. Ask again.",
  },
  vp_token_not_string: {
    ko: '지갑의 답변 형식이 올바르지 않습니다. 다시 요청하십시오.',
    en: "The wallet's answer is not in the expected form. Ask again.",
  },
  vp_token_wrong_count: {
    ko: '요청한 것과 다른 개수의 증명서를 보냈습니다. 다시 요청하십시오.',
    en: 'The wallet sent more or fewer credentials than were asked for. Ask again.',
  },
  vp_token_incomplete: {
    ko: '요청한 증명서가 모두 제시되지 않았습니다.',
    en: 'Not every credential that was asked for was presented.',
  },
  status_list_unreachable: {
    ko: `${STATUS_ACT.suspend.ko}·${STATUS_ACT.revoke.ko} 여부를 확인할 수 없어 확인을 완료하지 못했습니다. 잠시 후 다시 시도하십시오.`,
    en: 'The revocation status could not be checked, so the credential is not confirmed. Try again shortly.',
  },
  type_not_accepted: { ko: '요청한 종류의 증명서가 아닙니다.', en: 'This is not the kind of credential that was asked for.' },
  type_values_mismatch: { ko: '요청한 종류의 증명서가 아닙니다.', en: 'This is not the kind of credential that was asked for.' },
  issuer_not_authorized_for_type: {
    ko: '이 발급기관은 이 종류의 증명서를 발급할 권한이 없습니다. 받지 마십시오.',
    en: 'This issuer is not authorised to issue this kind of credential. Do not accept it.',
  },
  format_not_accepted: { ko: '요청한 형식의 증명서가 아닙니다.', en: 'This credential is not in the format that was asked for.' },
  issuer_not_accepted: { ko: '이 업무에서 받지 않는 발급기관입니다.', en: 'This issuer is not accepted for this purpose.' },
  trusted_authority_mismatch: {
    ko: '요청에서 지정한 신뢰 기관이 발급한 증명서가 아닙니다.',
    en: 'This credential was not issued under an authority the request names.',
  },
  claim_missing: { ko: '요청한 항목이 제시되지 않았습니다.', en: 'A requested item was not presented.' },
  mdoc_expired: { ko: '유효기간이 지난 증명서입니다.', en: 'This credential has expired.' },
  mdoc_not_yet_valid: { ko: '아직 효력이 시작되지 않은 증명서입니다.', en: 'This credential is not valid yet.' },
  mdoc_iaca_untrusted: { ko: '신뢰할 수 없는 발급기관의 증명서입니다.', en: 'The issuer of this credential is not trusted here.' },
  issuer_certificate_untrusted: {
    ko: '신뢰하지 않는 인증기관이 인증한 발급기관의 증명서입니다. 받지 마십시오.',
    en: 'The issuer of this credential is certified by an authority not trusted here. Do not accept it.',
  },
  issuer_certificate_expired: {
    ko: '발급기관 인증서의 유효기간이 지난 증명서입니다. 소지자에게 발급기관에 문의하도록 안내하십시오.',
    en: "The issuer's certificate for this credential has expired. Ask the holder to contact the issuer.",
  },
  issuer_certificate_invalid: {
    ko: '발급기관 인증서 체인이 올바르지 않은 증명서입니다. 받지 마십시오.',
    en: "The issuer's certificate chain of this credential is broken. Do not accept it.",
  },
  issuer_certificate_usage_invalid: {
    ko: '서명 용도가 아닌 발급기관 인증서로 서명된 증명서입니다. 받지 마십시오.',
    en: 'This credential is signed under an issuer certificate not meant for signing. Do not accept it.',
  },
  issuer_certificate_san_mismatch: {
    ko: '발급기관 인증서의 이름과 증명서의 발급기관이 다릅니다. 받지 마십시오.',
    en: "The issuer's certificate names another issuer than this credential. Do not accept it.",
  },
  mdoc_device_signature_invalid: { ko: '이 요청에 대한 제시가 아닙니다.', en: 'This presentation was not made for this request.' },
  mdoc_session_transcript_unavailable: {
    ko: '이 증명서(ISO 규격 모바일 신분증)는 창구 QR로 확인할 수 없습니다. 온라인 요청(QR 스캔)으로 제시해 주십시오.',
    en: 'This credential (mdoc) cannot be checked from a counter QR. Ask the holder to present it to an online request.',
  },
};

const BY_CHECK: Record<CheckName, ClerkMessage> = {
  parse: { ko: '읽을 수 없는 제시입니다. 다시 스캔하십시오.', en: 'The presentation cannot be read. Scan it again.' },
  typ_alg: { ko: '지원하지 않는 형식이나 서명 방식입니다.', en: 'The format or signature method is not accepted.' },
  issuer_signature: {
    ko: '발급기관 서명이 맞지 않습니다. 위조되었을 수 있습니다.',
    en: 'The issuer signature does not match. The credential may be forged.',
  },
  time: { ko: '증명서의 유효기간이 맞지 않습니다.', en: 'The credential is outside its validity period.' },
  status: { ko: '증명서 상태를 확인할 수 없습니다.', en: 'The credential status could not be confirmed.' },
  holder_binding: { ko: '제시한 사람이 증명서 소지자임을 확인하지 못했습니다.', en: 'The presenter could not be confirmed as the holder.' },
  replay: { ko: '이미 사용된 제시입니다.', en: 'This presentation has already been used.' },
  disclosures: { ko: '공개된 항목이 변조되었습니다.', en: 'The disclosed items have been tampered with.' },
  policy: { ko: '요청 조건에 맞지 않는 증명서입니다.', en: 'The credential does not meet the request.' },
};

/** The sentence of a verdict code, or undefined for a code without a sentence of its own. */
export const clerkMessageForCode = (code: string): ClerkMessage | undefined => (Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined);

export function clerkMessage(code: string, failedCheck: CheckName | undefined): ClerkMessage {
  return BY_CODE[code] ?? (failedCheck ? BY_CHECK[failedCheck] : BY_CODE.verified!);
}
