/** One vocabulary for status acts and key states, used by the pages and the API's Korean messages. */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { AVOIDED_KOREAN, CREDENTIAL_STATUS, KEY_STATE, keyStateTerm, STATUS_ACT } from '../../src/verdict/glossary.js';
import { clerkMessage } from '../../src/verdict/clerk-messages.js';
import { errorEntry } from '../../src/errors.js';

it('names the acts on a certificate 효력 정지 / 정지 해제 / 폐지, and its states 유효 / 효력 정지 / 폐지', () => {
  assert.deepEqual([STATUS_ACT.suspend.ko, STATUS_ACT.reinstate.ko, STATUS_ACT.revoke.ko], ['효력 정지', '정지 해제', '폐지']);
  assert.deepEqual(
    [CREDENTIAL_STATUS.valid.ko, CREDENTIAL_STATUS.suspended.ko, CREDENTIAL_STATUS.revoked.ko],
    ['유효', '효력 정지', '폐지'],
  );
});

it('names key states 사용 중 / 교체 중 / 폐기, and shows a state it does not know as sent', () => {
  assert.deepEqual([KEY_STATE.active.ko, KEY_STATE.retiring.ko, KEY_STATE.retired.ko], ['사용 중', '교체 중', '폐기']);
  assert.equal(keyStateTerm('retiring').ko, '교체 중');
  assert.deepEqual(keyStateTerm('compromised'), { ko: 'compromised', en: 'compromised' });
  assert.deepEqual(keyStateTerm('toString'), { ko: 'toString', en: 'toString' });
});

it('uses no avoided word in any of its own Korean terms', () => {
  for (const term of [...Object.values(STATUS_ACT), ...Object.values(CREDENTIAL_STATUS), ...Object.values(KEY_STATE)]) {
    for (const { word } of AVOIDED_KOREAN) assert.ok(!term.ko.includes(word), `${term.ko} contains ${word}`);
  }
});

it('the API and the counter say a revoked certificate is 폐지된, in the same words', () => {
  assert.equal(errorEntry('credential_already_revoked').ko, '이미 폐지된 증명서입니다.');
  assert.equal(errorEntry('credential_revoked').ko, '폐지된 증명서는 상태를 바꿀 수 없습니다.');
  assert.equal(clerkMessage('credential_revoked', 'status').ko, '폐지된 증명서입니다. 받지 마십시오.');
  assert.equal(errorEntry('status_list_unreachable').ko, clerkMessage('status_list_unreachable', 'status').ko);
  assert.match(clerkMessage('status_list_unreachable', 'status').ko, /^효력 정지·폐지 여부를/);
});

it('tells the clerk a fault of form or of reach as such, not as a forged signature', () => {
  const forged = clerkMessage('jws_signature_invalid', 'issuer_signature');
  assert.match(forged.en, /may be forged/);
  for (const code of ['issuer_keys_unreachable', 'sd_jwt_vc_vct_missing', 'sd_jwt_vc_iss_missing']) {
    const m = clerkMessage(code, 'issuer_signature');
    assert.notEqual(m.ko, forged.ko, code);
    assert.doesNotMatch(m.en, /forged/, code);
  }
  assert.match(clerkMessage('issuer_keys_unreachable', 'issuer_signature').en, /Try again shortly/);
  // A KB-JWT's own exp is not the credential's: the clerk asks for a new presentation.
  assert.doesNotMatch(clerkMessage('kb_jwt_time_invalid', 'holder_binding').en, /credential has expired/);
  // A counter nonce the service cannot find may simply have expired: the sentence says both.
  assert.match(clerkMessage('nonce_not_issued', 'replay').ko, /유효 시간이 지났습니다/);
});
