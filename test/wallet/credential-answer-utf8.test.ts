/**
 * The reference wallet reads an encrypted credential response (OpenID4VCI §10) as strict UTF-8
 * (RFC 8259 §8.1): a plaintext holding bytes that are not UTF-8 is refused, not read with U+FFFD
 * in their place. Real ECDH-ES JWEs made with jose.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { CompactEncrypt, generateKeyPair } from 'jose';
import { isAppError } from '../../src/errors.js';
import { openCredentialAnswer, type CredentialExchange } from '../../src/wallet/credential-request-encryption.js';

async function exchangeAndSeal(plaintext: Uint8Array): Promise<{ exchange: CredentialExchange; jwe: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  const exchange: CredentialExchange = { requestKey: undefined, response: { privateKey, parameter: {} } };
  const jwe = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' }).encrypt(publicKey);
  return { exchange, jwe };
}
const answer = (jwe: string) => ({ status: 200, headers: new Headers({ 'content-type': 'application/jwt' }), text: jwe });

it('refuses a decrypted credential response that is not UTF-8, and reads one that is', async () => {
  const bad = Buffer.concat([Buffer.from('{"credentials":[{"credential":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
  const refused = await exchangeAndSeal(bad);
  const e = await openCredentialAnswer(refused.exchange, answer(refused.jwe)).then(
    () => assert.fail('a response that is not UTF-8 was read'),
    (err: unknown) => err,
  );
  assert.ok(isAppError(e));
  assert.equal(e.code, 'receive_failed');
  assert.match(e.message, /UTF-8/);

  const good = await exchangeAndSeal(Buffer.from('{"credentials":[{"credential":"주민등록증"}]}'));
  assert.equal((await openCredentialAnswer(good.exchange, answer(good.jwe))).text, '{"credentials":[{"credential":"주민등록증"}]}');
});
