import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../../src/clock.js';
import { createKbJwt } from '../../../src/formats/sd-jwt/create-kb-jwt.js';
import { verifyKbJwt, type VerifyKbJwtOptions } from '../../../src/formats/sd-jwt/verify-kb-jwt.js';
import { issueSdJwt } from '../../../src/formats/sd-jwt/issue-sd-jwt.js';
import { presentSdJwt } from '../../../src/formats/sd-jwt/present-sd-jwt.js';
import { signCompactJws } from '../../../src/formats/jose/sign-compact-jws.js';
import { sdDigest } from '../../../src/formats/sd-jwt/compute-digest.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { b64json, code, jwtHeader, newSigner } from '../helpers.js';

const issuer = await newSigner();
const holder = await newSigner();
const other = await newSigner();
const holderEd = await newSigner('EdDSA');
const NOW = 1_800_000_000;
const { sdJwt } = await issueSdJwt({
  header: { typ: 'example+sd-jwt' },
  payload: { a: 1, b: 2, cnf: { jwk: holder.signer.publicJwk as JsonObject } },
  disclosable: ['a', 'b'],
  signer: issuer.signer,
});
const presented = presentSdJwt(sdJwt, { disclose: ['a'] });
const options: VerifyKbJwtOptions = {
  holderJwk: holder.signer.publicJwk,
  sdJwtWithoutKb: presented,
  nonce: 'n-123',
  aud: 'https://verifier.example',
  clock: fixedClock(NOW * 1000),
  maxAgeSeconds: 300,
  skewSeconds: 30,
};
const kbPayload = (extra: JsonObject = {}): JsonObject => ({
  iat: NOW,
  aud: options.aud,
  nonce: options.nonce,
  sd_hash: sdDigest(presented),
  ...extra,
});
const signKb = (payload: JsonObject, header: JsonObject = { typ: 'kb+jwt' }, signer = holder.signer) =>
  signCompactJws(header, payload, signer);

test('creates a KB-JWT that verifies against the holder key', async () => {
  const kb = await createKbJwt({
    sdJwtWithoutKb: presented,
    holderSigner: holder.signer,
    nonce: options.nonce,
    aud: options.aud,
    iat: NOW,
  });
  assert.equal(jwtHeader(kb).typ, 'kb+jwt');
  const { payload } = await verifyKbJwt(kb, options);
  assert.deepEqual(payload, kbPayload());
});

test('verifies a KB-JWT signed with an Ed25519 holder key', async () => {
  const kb = await createKbJwt({
    sdJwtWithoutKb: presented,
    holderSigner: holderEd.signer,
    nonce: options.nonce,
    aud: options.aud,
    iat: NOW,
  });
  await verifyKbJwt(kb, { ...options, holderJwk: holderEd.signer.publicJwk });
});

test('refuses to bind an SD-JWT that does not end with ~', async () => {
  await assert.rejects(
    createKbJwt({ sdJwtWithoutKb: presented.slice(0, -1), holderSigner: holder.signer, nonce: 'n', aud: 'a', iat: NOW }),
    code('sd_jwt_malformed'),
  );
});

test('rejects a KB-JWT whose typ is not exactly kb+jwt', async () => {
  for (const header of [{}, { typ: 'JWT' }, { typ: 'KB+JWT' }, { typ: 'application/kb+jwt' }] as JsonObject[]) {
    await assert.rejects(verifyKbJwt(await signKb(kbPayload(), header), options), code('kb_jwt_bad_typ'));
  }
});

test('rejects a KB-JWT signed by a key other than the holder key', async () => {
  await assert.rejects(verifyKbJwt(await signKb(kbPayload(), undefined, other.signer), options), code('kb_jwt_signature_invalid'));
});

test('rejects a KB-JWT with alg none', async () => {
  const unsigned = `${b64json({ alg: 'none', typ: 'kb+jwt' })}.${b64json(kbPayload())}.AAAA`;
  await assert.rejects(verifyKbJwt(unsigned, options), code('jws_alg_not_allowed'));
});

test('rejects a KB-JWT whose sd_hash covers other disclosures', async () => {
  const kb = await signKb(kbPayload({ sd_hash: sdDigest(sdJwt) }));
  await assert.rejects(verifyKbJwt(kb, options), code('kb_jwt_sd_hash_mismatch'));
  await assert.rejects(verifyKbJwt(await signKb(kbPayload({ sd_hash: null })), options), code('kb_jwt_sd_hash_mismatch'));
});

test('rejects a KB-JWT with a wrong, missing or non-string nonce', async () => {
  for (const nonce of ['n-124', '', null, 123]) {
    await assert.rejects(verifyKbJwt(await signKb(kbPayload({ nonce })), options), code('kb_jwt_nonce_mismatch'));
  }
  const { nonce: _n, ...noNonce } = kbPayload();
  await assert.rejects(verifyKbJwt(await signKb(noNonce), options), code('kb_jwt_nonce_mismatch'));
});

test('rejects a KB-JWT whose aud is not exactly this verifier', async () => {
  for (const aud of ['https://verifier.example/', 'https://other.example', [options.aud], null]) {
    await assert.rejects(verifyKbJwt(await signKb(kbPayload({ aud })), options), code('kb_jwt_aud_mismatch'));
  }
});

test('rejects a KB-JWT whose iat is missing, not a number, too old or in the future', async () => {
  for (const iat of [null, String(NOW), NOW - 331, NOW + 31]) {
    await assert.rejects(verifyKbJwt(await signKb(kbPayload({ iat })), options), code('kb_jwt_iat_invalid'), String(iat));
  }
  const { iat: _i, ...noIat } = kbPayload();
  await assert.rejects(verifyKbJwt(await signKb(noIat), options), code('kb_jwt_iat_invalid'));
  await verifyKbJwt(await signKb(kbPayload({ iat: NOW - 329 })), options);
});

test("rejects a KB-JWT whose own exp has passed or nbf is ahead as the KB-JWT's fault, not an expired credential", async () => {
  const extras: JsonObject[] = [{ exp: NOW - 100 }, { nbf: NOW + 600 }, { exp: String(NOW + 100) }, { nbf: null }];
  for (const extra of extras)
    await assert.rejects(verifyKbJwt(await signKb(kbPayload(extra)), options), code('kb_jwt_time_invalid'), JSON.stringify(extra));
  await verifyKbJwt(await signKb(kbPayload({ exp: NOW + 100, nbf: NOW - 10 })), options);
});
