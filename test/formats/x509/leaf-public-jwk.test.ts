/**
 * A certificate whose key is neither EC P-256 nor Ed25519 is refused with the key gate's code
 * (jws_key_invalid), not a TypeError: node:crypto cannot export a DSA key as a JWK at all.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { leafPublicJwk } from '../../../src/formats/x509/check-certificate-chain.js';
import { checkReceivedX5c } from '../../../src/formats/x509/verify-jws-x5c.js';
import { FormatError } from '../../../src/formats/format-error.js';

const pems = readFileSync(join(import.meta.dirname, '../../fixtures/x509/dsa-leaf-chain.pem'), 'utf8').match(
  /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
)!;
const [leaf, ca] = pems.map((p) => new X509Certificate(p));

const refusedAs = (code: string) => (e: unknown) => {
  assert.ok(e instanceof FormatError, `a FormatError, not ${String(e)}`);
  assert.equal(e.code, code);
  return true;
};

test('a DSA certificate key is jws_key_invalid', () => {
  assert.equal(leaf!.publicKey.asymmetricKeyType, 'dsa');
  assert.throws(() => leafPublicJwk(leaf!), refusedAs('jws_key_invalid'));
});

test('a received x5c whose linked, valid leaf has a DSA key is refused the same way', () => {
  const x5c = [leaf!, ca!].map((c) => c.raw.toString('base64'));
  assert.throws(() => checkReceivedX5c(x5c, 'dns:issuer.example', Date.now()), refusedAs('jws_key_invalid'));
});

test('an RSA certificate key is jws_key_invalid too (exportable, but not a key this service accepts)', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fake = { publicKey } as unknown as X509Certificate;
  assert.throws(() => leafPublicJwk(fake), refusedAs('jws_key_invalid'));
});
