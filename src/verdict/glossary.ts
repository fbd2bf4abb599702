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
  credential_deleted: { ko: '보유자가 삭제함', en: 'deleted by the holder' },
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
