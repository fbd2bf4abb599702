import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { signCompactJws } from '../../../src/formats/jose/sign-compact-jws.js';
import { parseCompactJws } from '../../../src/formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../../../src/formats/jose/verify-compact-jws.js';
import { importPublicKey } from '../../../src/formats/jose/import-public-key.js';
import type { KeyLookup, ResolvedKey } from '../../../src/formats/jose/types.js';
import type { Signer } from '../../../src/keys/signer.js';
import { b64json, code, jwtHeader, newSigner } from '../helpers.js';

const es = await newSigner('ES256');
const ed = await newSigner('EdDSA');
const attacker = await newSigner('ES256');
const trust = (s: Signer): ResolvedKey => ({ jwk: s.publicJwk, alg: s.alg });
const verifyWith = (token: string, s: Signer = es.signer, extra = {}) =>
  verifyCompactJws(parseCompactJws(token), { resolveKey: () => trust(s), ...extra });

/** Re-signs `<header>.<payload>` with a raw signature of our choosing. */
const withSignature = (token: string, sig: Uint8Array) =>
  `${token.split('.').slice(0, 2).join('.')}.${Buffer.from(sig).toString('base64url')}`;
const P256_N = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

test('signs and verifies an ES256 token with alg and kid taken from the signer', async () => {
  const token = await signCompactJws({ typ: 'example+jwt', alg: 'none', kid: 'spoofed' }, { sub: 'a' }, es.signer);
  assert.deepEqual(jwtHeader(token), { alg: 'ES256', typ: 'example+jwt', kid: es.signer.kid });
  const { payload, header } = await verifyWith(token, es.signer, { expectedTyp: 'example+jwt' });
  assert.deepEqual(payload, { sub: 'a' });
  assert.equal(header.alg, 'ES256');
});

test('signs and verifies an EdDSA token', async () => {
  const token = await signCompactJws({}, { n: 1 }, ed.signer);
  assert.deepEqual((await verifyWith(token, ed.signer)).payload, { n: 1 });
});

test('refuses a signer that returns something other than a 64-byte signature', async () => {
  const der: Signer = { ...es.signer, sign: async () => new Uint8Array(71) };
  await assert.rejects(signCompactJws({}, {}, der), code('jws_signer_output_invalid'));
});

test('rejects tokens without exactly three non-empty segments', () => {
  const h = b64json({ alg: 'ES256' });
  const p = b64json({});
  for (const t of [`${h}.${p}`, `${h}.${p}.sig.x`, `${h}.${p}.a.b.c`, `${h}..sig`, `.${p}.sig`, `${h}.${p}.`, '', '...']) {
    assert.throws(() => parseCompactJws(t), code('jws_malformed'), t);
  }
});

test('rejects the JWS JSON serialisation', () => {
  const json = JSON.stringify({ protected: b64json({ alg: 'ES256' }), payload: b64json({}), signature: 'AA' });
  assert.throws(() => parseCompactJws(json), code('jws_malformed'));
});

test('rejects a JWE (five segments)', () => {
  assert.throws(() => parseCompactJws(`${b64json({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`), code('jws_malformed'));
});

test('rejects characters outside base64url in any segment', () => {
  assert.throws(() => parseCompactJws(`${b64json({ alg: 'ES256' })}.${b64json({})}.ab+c`), code('jws_malformed'));
  assert.throws(() => parseCompactJws(`${b64json({ alg: 'ES256' })}=.${b64json({})}.abc`), code('jws_malformed'));
});

test('rejects a header or payload that is not a JSON object, or has duplicate members', () => {
  const sig = 'AAAA';
  assert.throws(() => parseCompactJws(`${b64json(['ES256'])}.${b64json({})}.${sig}`), code('jws_malformed'));
  assert.throws(() => parseCompactJws(`${b64json({ alg: 'ES256' })}.${b64json('x')}.${sig}`), code('jws_malformed'));
  const dupHeader = Buffer.from('{"alg":"ES256","alg":"none"}').toString('base64url');
  assert.throws(() => parseCompactJws(`${dupHeader}.${b64json({})}.${sig}`), code('jws_malformed'));
  const dupPayload = Buffer.from('{"sub":"a","nested":{"x":1,"x":2}}').toString('base64url');
  assert.throws(() => parseCompactJws(`${b64json({ alg: 'ES256' })}.${dupPayload}.${sig}`), code('jws_malformed'));
});

test('rejects a header without a string alg or with a non-string kid', () => {
  assert.throws(() => parseCompactJws(`${b64json({})}.${b64json({})}.AAAA`), code('jws_malformed'));
  assert.throws(() => parseCompactJws(`${b64json({ alg: 1 })}.${b64json({})}.AAAA`), code('jws_malformed'));
  assert.throws(() => parseCompactJws(`${b64json({ alg: 'ES256', kid: 7 })}.${b64json({})}.AAAA`), code('jws_malformed'));
});

test('rejects crit, which names extensions we do not implement', () => {
  const h = b64json({ alg: 'ES256', crit: ['exp'], exp: 1 });
  assert.throws(() => parseCompactJws(`${h}.${b64json({})}.AAAA`), code('jws_crit_unsupported'));
});

test('rejects an unencoded payload (b64: false)', () => {
  const h = b64json({ alg: 'ES256', b64: false });
  assert.throws(() => parseCompactJws(`${h}.${b64json({})}.AAAA`), code('jws_b64_unsupported'));
});

test('rejects none in any casing, HMAC and unknown algorithms before looking up a key', async () => {
  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS512', 'RS256', 'ES384', 'PS256', 'es256', 'eddsa', 'Ed25519']) {
    let asked = false;
    const token = `${b64json({ alg })}.${b64json({ sub: 'x' })}.AAAA`;
    await assert.rejects(
      verifyCompactJws(parseCompactJws(token), { resolveKey: () => ((asked = true), trust(es.signer)) }),
      code('jws_alg_not_allowed'),
      alg,
    );
    assert.equal(asked, false);
  }
});

test('rejects an HS256 token MACed with the issuer public key', async () => {
  const secret = createPublicKey({ key: es.signer.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const input = `${b64json({ alg: 'HS256' })}.${b64json({ sub: 'x' })}`;
  const mac = createHmac('sha256', secret).update(input).digest('base64url');
  await assert.rejects(verifyWith(`${input}.${mac}`), code('jws_alg_not_allowed'));
});

test('rejects an alg that the caller did not allow even if we support it', async () => {
  const token = await signCompactJws({}, {}, es.signer);
  await assert.rejects(verifyWith(token, es.signer, { allowedAlgs: ['EdDSA'] }), code('jws_alg_not_allowed'));
});

test('uses each key with exactly one algorithm', async () => {
  const token = await signCompactJws({}, {}, es.signer);
  const parsed = parseCompactJws(token);
  await assert.rejects(
    verifyCompactJws(parsed, { resolveKey: () => ({ jwk: es.signer.publicJwk, alg: 'EdDSA' }) }),
    code('jws_key_alg_mismatch'),
  );
  const edKeyAsEs: ResolvedKey = { jwk: { ...ed.signer.publicJwk, alg: undefined } as JWK, alg: 'ES256' };
  await assert.rejects(verifyCompactJws(parsed, { resolveKey: () => edKeyAsEs }), code('jws_key_alg_mismatch'));
  const boundToOther: ResolvedKey = { jwk: { ...es.signer.publicJwk, alg: 'ES384' }, alg: 'ES256' };
  await assert.rejects(verifyCompactJws(parsed, { resolveKey: () => boundToOther }), code('jws_key_alg_mismatch'));
});

test('rejects a token when no trusted key is found', async () => {
  const token = await signCompactJws({}, {}, es.signer);
  await assert.rejects(verifyCompactJws(parseCompactJws(token), { resolveKey: () => undefined }), code('jws_key_not_found'));
});

test('never uses jwk, x5c, jku or x5u from the header to find the key', async () => {
  const header = { jwk: attacker.signer.publicJwk, x5c: ['MIIB'], jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert' };
  const token = await signCompactJws(header, { sub: 'forged' }, attacker.signer);
  const seen: KeyLookup[] = [];
  const resolveKey = (lookup: KeyLookup) => (seen.push(lookup), trust(es.signer));
  await assert.rejects(verifyCompactJws(parseCompactJws(token), { resolveKey }), code('jws_signature_invalid'));
  assert.deepEqual(seen, [{ kid: attacker.signer.kid, alg: 'ES256' }]);
});

test('passes a huge or hostile kid to the resolver as an opaque string only', async () => {
  const kid = `../../etc/passwd' OR 1=1 --${'x'.repeat(10_000)}`;
  const token = `${b64json({ alg: 'ES256', kid })}.${b64json({})}.${Buffer.alloc(64, 1).toString('base64url')}`;
  const keys = new Map([[es.signer.kid, trust(es.signer)]]);
  await assert.rejects(
    verifyCompactJws(parseCompactJws(token), { resolveKey: ({ kid: k }) => (k ? keys.get(k) : undefined) }),
    code('jws_key_not_found'),
  );
});

test('rejects a tampered payload', async () => {
  const token = await signCompactJws({}, { admin: false }, es.signer);
  const [h, , s] = token.split('.');
  await assert.rejects(verifyWith(`${h}.${b64json({ admin: true })}.${s}`), code('jws_signature_invalid'));
});

test('rejects ES256 signatures with r or s equal to zero or not below n', async () => {
  const token = await signCompactJws({}, { sub: 'x' }, es.signer);
  const good = Buffer.from(token.split('.')[2]!, 'base64url');
  const r = good.subarray(0, 32);
  const s = good.subarray(32);
  const zero = Buffer.alloc(32);
  const nPlus = Buffer.from(P256_N);
  nPlus[31]! += 1;
  for (const sig of [
    Buffer.concat([zero, s]),
    Buffer.concat([r, zero]),
    Buffer.concat([P256_N, s]),
    Buffer.concat([r, P256_N]),
    Buffer.concat([nPlus, s]),
    Buffer.alloc(64, 0xff),
  ]) {
    await assert.rejects(verifyWith(withSignature(token, sig)), code('jws_signature_invalid'));
  }
});

test('rejects a DER-encoded ES256 signature and signatures of the wrong length', async () => {
  const token = await signCompactJws({}, { sub: 'x' }, es.signer);
  const raw = Buffer.from(token.split('.')[2]!, 'base64url');
  const int = (b: Buffer) => (b[0]! & 0x80 ? Buffer.concat([Buffer.from([0x02, 33, 0]), b]) : Buffer.concat([Buffer.from([0x02, 32]), b]));
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  const der = Buffer.concat([Buffer.from([0x30, body.length]), body]);
  await assert.rejects(verifyWith(withSignature(token, der)), code('jws_signature_invalid'));
  await assert.rejects(verifyWith(withSignature(token, raw.subarray(0, 63))), code('jws_signature_invalid'));
  await assert.rejects(verifyWith(withSignature(token, Buffer.concat([raw, Buffer.from([0])]))), code('jws_signature_invalid'));
  const edToken = await signCompactJws({}, {}, ed.signer);
  const edRaw = Buffer.from(edToken.split('.')[2]!, 'base64url');
  await assert.rejects(verifyWith(withSignature(edToken, edRaw.subarray(0, 63)), ed.signer), code('jws_signature_invalid'));
});

test('checks typ exactly when asked to', async () => {
  const token = await signCompactJws({ typ: 'KB+JWT' }, {}, es.signer);
  await assert.rejects(verifyWith(token, es.signer, { expectedTyp: 'kb+jwt' }), code('jws_typ_mismatch'));
});

test('caches imported keys and ignores private members of a JWK', () => {
  const a = importPublicKey(es.signer.publicJwk, 'ES256');
  const b = importPublicKey({ ...es.privateJwk }, 'ES256');
  assert.equal(a, b);
  assert.equal(a.type, 'public');
  assert.throws(() => importPublicKey({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }, 'ES256'), code('jws_key_invalid'));
  assert.throws(() => importPublicKey({ kty: 'RSA', n: 'AQAB', e: 'AQAB' }, 'ES256'), code('jws_key_invalid'));
});
