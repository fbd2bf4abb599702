/**
 * What the HOLDER reads after presenting: one plain sentence in Korean and English per verdict
 * code, addressed to the citizen (the clerk's sentences, clerk-messages.ts, tell the clerk what
 * to do instead). Never a code on the page. Pure: the server puts it in the holder's result, the
 * web wallet and the CLI wallet show it.
 */
import { CREDENTIAL_STATUS } from './glossary.js';

export interface HolderMessage {
  ko: string;
  en: string;
}

const BY_CODE: Record<string, HolderMessage> = {
  verified: { ko: '확인되었습니다. 요청한 항목만 보냈습니다.', en: 'Accepted. Only the requested items were sent.' },
  credential_revoked: {
    ko: `${CREDENTIAL_STATUS.revoked.ko}된 증명서라서 받지 않았습니다. 발급기관에 문의하십시오.`,
    en: 'Refused: this credential has been revoked. Contact the issuer.',
  },
  credential_suspended: {
    ko: `${CREDENTIAL_STATUS.suspended.ko}된 증명서라서 받지 않았습니다. 발급기관에 문의하십시오.`,
    en: 'Refused: this credential is suspended. Contact the issuer.',
  },
  jwt_expired: { ko: '유효기간이 지난 증명서라서 받지 않았습니다.', en: 'Refused: this credential has expired.' },
  mdoc_expired: { ko: '유효기간이 지난 증명서라서 받지 않았습니다.', en: 'Refused: this credential has expired.' },
  mdoc_iaca_untrusted: { ko: '이곳에서 신뢰하지 않는 발급기관의 증명서입니다.', en: 'Refused: the verifier does not trust this issuer.' },
  issuer_certificate_untrusted: {
    ko: '이곳에서 신뢰하지 않는 발급기관의 증명서입니다.',
    en: 'Refused: the verifier does not trust this issuer.',
  },
  issuer_certificate_expired: {
    ko: '발급기관 인증서의 유효기간이 지나 받지 않았습니다. 발급기관에 문의하십시오.',
    en: "Refused: the issuer's certificate has expired. Contact the issuer.",
  },
  claim_missing: { ko: '요청한 조건을 충족하지 않아 받지 않았습니다.', en: 'Refused: the credential does not meet what was asked.' },
  type_not_accepted: {
    ko: '이곳에서 받지 않는 종류의 증명서입니다.',
    en: 'Refused: the verifier does not accept this kind of credential.',
  },
  type_values_mismatch: {
    ko: '이곳에서 받지 않는 종류의 증명서입니다.',
    en: 'Refused: the verifier does not accept this kind of credential.',
  },
  issuer_not_accepted: { ko: '이곳에서 받지 않는 발급기관의 증명서입니다.', en: 'Refused: the verifier does not accept this issuer.' },
  trusted_authority_mismatch: {
    ko: '이곳에서 요청한 기관이 발급한 증명서가 아니라서 받지 않았습니다.',
    en: 'Refused: the verifier asked for a credential issued under another authority.',
  },
  untrusted_issuer: { ko: '이곳에서 신뢰하지 않는 발급기관의 증명서입니다.', en: 'Refused: the verifier does not trust this issuer.' },
  status_list_unreachable: {
    ko: '증명서 상태를 확인하지 못했습니다. 잠시 후 다시 시도하십시오.',
    en: 'The credential status could not be checked. Try again shortly.',
  },
};

const REFUSED: HolderMessage = {
  ko: '검증기관이 제출한 증명서를 받지 않았습니다. 창구 직원에게 문의하십시오.',
  en: 'The verifier did not accept the credential. Ask at the counter.',
};
/** Accepted, but a VC-JWT cannot disclose selectively: the holder should know everything in it was sent. */
export const ACCEPTED_WHOLE_CREDENTIAL: HolderMessage = {
  ko: '확인되었습니다. 이 증명서(VC-JWT)는 항목을 골라 보낼 수 없어 모든 항목이 전송되었습니다.',
  en: 'Accepted. This credential (VC-JWT) cannot send items selectively, so all of its items were sent.',
};
const DECLINED: HolderMessage = { ko: '제출하지 않았습니다.', en: 'Nothing was sent.' };

/** The holder's sentence for a verdict code: its own, the declined one for wallet refusals, or a general refusal. */
export function holderMessage(code: string): HolderMessage {
  if (Object.hasOwn(BY_CODE, code)) return BY_CODE[code]!;
  return code.startsWith('wallet_') ? DECLINED : REFUSED;
}
