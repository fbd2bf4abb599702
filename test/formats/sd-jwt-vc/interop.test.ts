/**
 * Interop with the OpenWallet Foundation implementation (@sd-jwt/sd-jwt-vc 0.19): what we issue
 * verifies with theirs to the same claims, what they present verifies with ours, and where their
 * verifier is laxer than RFC 9901 / SD-JWT VC, ours rejects (each such test first shows that
 * theirs accepts, so the test says something true about both).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import type { JWK } from 'jose';
import { fixedClock } from '../../../src/clock.js';
import { issueSdJwtVc } from '../../../src/formats/sd-jwt-vc/issue-sd-jwt-vc.js';
import { verifySdJwtVc, type VerifySdJwtVcOptions } from '../../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { presentSdJwt } from '../../../src/formats/sd-jwt/present-sd-jwt.js';
import { createKbJwt } from '../../../src/formats/sd-jwt/create-kb-jwt.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { signCompactJws } from '../../../src/formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { code, digestOf, disclosure, newSigner } from '../helpers.js';

const issuer = await newSigner();
const holder = await newSigner();
const NOW = 1_800_000_000; // handed to their verifier as `currentDate`, to ours as a fixed clock
const ISS = 'https://issuer.example';
const VCT = 'https://credentials.example/identity';
const kb = { required: true, nonce: 'n-0S6_WzA2Mj', aud: 'https://verifier.example', maxAgeSeconds: 120 };

const theirs = new SDJwtVcInstance({
  signer: await ES256.getSigner(issuer.privateJwk),
  signAlg: 'ES256',
  verifier: await ES256.getVerifier(issuer.signer.publicJwk),
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
  kbSigner: await ES256.getSigner(holder.privateJwk),
  kbSignAlg: 'ES256',
  kbVerifier: async (data, sig, payload) => (await ES256.getVerifier((payload.cnf as { jwk: JWK }).jwk))(data, sig),
});

const ours = (extra: Partial<VerifySdJwtVcOptions> = {}): VerifySdJwtVcOptions => ({
  resolveIssuerKey: ({ iss }) => (iss === ISS ? { jwk: issuer.signer.publicJwk, alg: 'ES256' } : undefined),
  clock: fixedClock(NOW * 1000),
  skewSeconds: 30,
  kb,
  ...extra,
});
const holderSide = ours({ kb: undefined });

const claims: JsonObject = {
  given_name: '길동',
  family_name: '홍',
  birthdate: '1990-01-01',
  address: { street_address: '세종대로 110', locality: '서울', country: 'KR' },
  nationalities: ['KR', 'US'],
  age_equal_or_over: { '18': true, '19': true, '65': false },
};
const disclosable = [
  'given_name',
  'family_name',
  'birthdate',
  'address',
  'address.street_address',
  'address.locality',
  'nationalities',
  'nationalities[]',
  'age_equal_or_over.18',
  'age_equal_or_over.19',
  'age_equal_or_over.65',
];
const padTo = { '': 10, address: 4, nationalities: 4, age_equal_or_over: 5 };
const issued = await issueSdJwtVc({
  iss: ISS,
  vct: VCT,
  iat: NOW - 10,
  exp: NOW + 3600,
  cnfJwk: holder.signer.publicJwk,
  claims,
  disclosable,
  padTo,
  signer: issuer.signer,
});

async function ourPresentation(disclose: string[], extra: { aud?: string; iat?: number } = {}) {
  const p = presentSdJwt(issued.sdJwt, { disclose });
  return p + (await createKbJwt({ sdJwtWithoutKb: p, holderSigner: holder.signer, nonce: kb.nonce, aud: kb.aud, iat: NOW, ...extra }));
}

/** An SD-JWT VC with a hand-built payload and disclosures, signed by the trusted issuer. */
async function crafted(payload: JsonObject, disclosures: string[], header: JsonObject = { typ: 'dc+sd-jwt' }) {
  const jwt = await signCompactJws(header, { iss: ISS, vct: VCT, iat: NOW - 10, exp: NOW + 3600, ...payload }, issuer.signer);
  return `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`;
}

test('an SD-JWT VC we issue, with nested disclosures and decoys, verifies with theirs to the same claims', async () => {
  const theirResult = await theirs.verify(issued.sdJwt, { currentDate: NOW });
  const ourResult = await verifySdJwtVc(issued.sdJwt, holderSide);
  assert.deepEqual(theirResult.payload, ourResult.payload);
  assert.deepEqual(ourResult.payload, {
    iss: ISS,
    vct: VCT,
    iat: NOW - 10,
    exp: NOW + 3600,
    cnf: { jwk: holder.signer.publicJwk as JsonObject },
    ...claims,
  });
});

test('a presentation with KB-JWT we make verifies with theirs to the same claims', async () => {
  const presentation = await ourPresentation(['address.locality', 'nationalities[]', 'age_equal_or_over.19']);
  const theirResult = await theirs.verify(presentation, { keyBindingNonce: kb.nonce, currentDate: NOW });
  const ourResult = await verifySdJwtVc(presentation, ours());
  assert.deepEqual(theirResult.payload, ourResult.payload);
  assert.deepEqual(ourResult.payload.address, { locality: '서울', country: 'KR' });
  assert.deepEqual(ourResult.payload.age_equal_or_over, { '19': true });
  assert.equal(theirResult.kb?.payload.sd_hash, ourResult.kb?.payload.sd_hash);
});

test('a presentation with KB-JWT that their library makes verifies with ours to the same claims', async () => {
  const payload = { iss: ISS, vct: VCT, iat: NOW - 10, exp: NOW + 3600, cnf: { jwk: holder.signer.publicJwk }, ...claims };
  const frame = {
    _sd: ['given_name', 'family_name', 'birthdate', 'address', 'nationalities'],
    _sd_decoy: 3,
    address: { _sd: ['street_address', 'locality'] },
    nationalities: { _sd: [0, 1] },
    age_equal_or_over: { _sd: ['18', '19', '65'], _sd_decoy: 2 },
  };
  const sdJwt = await theirs.issue(payload as never, frame as never);
  const presentation = await theirs.present(
    sdJwt,
    { given_name: true, address: { locality: true }, nationalities: { 1: true }, age_equal_or_over: { '18': true } } as never,
    { kb: { payload: { iat: NOW, aud: kb.aud, nonce: kb.nonce } } },
  );
  const theirResult = await theirs.verify(presentation, { keyBindingNonce: kb.nonce, currentDate: NOW });
  const ourResult = await verifySdJwtVc(presentation, ours());
  assert.deepEqual(ourResult.payload, theirResult.payload);
  assert.deepEqual(ourResult.payload.nationalities, ['US']);
  assert.deepEqual(ourResult.payload.address, { country: 'KR', locality: '서울' });
  assert.equal(ourResult.payload.family_name, undefined);
});

test('their full issuance (every disclosure) verifies with ours on the holder side', async () => {
  const sdJwt = await theirs.issue(
    { iss: ISS, vct: VCT, iat: NOW, exp: NOW + 60, ...claims } as never,
    { _sd: ['given_name', 'address'], address: { _sd: ['locality'] } } as never,
  );
  assert.deepEqual((await verifySdJwtVc(sdJwt, holderSide)).payload, (await theirs.verify(sdJwt, { currentDate: NOW })).payload);
});

// ---- Where their verifier is laxer than the specifications -------------------------------------

test('a disclosure sent twice: theirs accepts, ours rejects (RFC 9901 §4)', async () => {
  const p = presentSdJwt(issued.sdJwt, { disclose: ['given_name'] });
  const twice = `${p}${parseSdJwt(p).disclosures[0]}~`;
  const withKb =
    twice + (await createKbJwt({ sdJwtWithoutKb: twice, holderSigner: holder.signer, nonce: kb.nonce, aud: kb.aud, iat: NOW }));
  await theirs.verify(withKb, { keyBindingNonce: kb.nonce, currentDate: NOW });
  await assert.rejects(verifySdJwtVc(withKb, ours()), code('sd_jwt_duplicate_disclosure'));
});

test('a disclosure no digest refers to: theirs accepts, ours rejects (RFC 9901 §7.1 step 5)', async () => {
  const stranger = disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'role', 'admin');
  const sdJwt = `${issued.sdJwt}${stranger}~`;
  await theirs.verify(sdJwt, { currentDate: NOW });
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('sd_jwt_unreferenced_disclosure'));
});

test('a KB-JWT made for another verifier: theirs accepts, ours rejects (RFC 9901 §7.3 step 5.6)', async () => {
  const presentation = await ourPresentation(['given_name'], { aud: 'https://other-verifier.example' });
  await theirs.verify(presentation, { keyBindingNonce: kb.nonce, currentDate: NOW });
  await assert.rejects(verifySdJwtVc(presentation, ours()), code('kb_jwt_aud_mismatch'));
});

test('a KB-JWT created a year ago: theirs accepts, ours rejects (RFC 9901 §7.3 step 5.5)', async () => {
  const presentation = await ourPresentation(['given_name'], { iat: NOW - 365 * 86400 });
  await theirs.verify(presentation, { keyBindingNonce: kb.nonce, currentDate: NOW });
  await assert.rejects(verifySdJwtVc(presentation, ours()), code('kb_jwt_iat_invalid'));
});

test('an issuer-signed JWT typed JWT instead of dc+sd-jwt: theirs accepts, ours rejects (SD-JWT VC §2.2.1)', async () => {
  const sdJwt = await crafted({}, [], { typ: 'JWT' });
  await theirs.verify(sdJwt, { currentDate: NOW });
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('sd_jwt_vc_bad_typ'));
});

test('a disclosure that overrides a plain claim: theirs lets it win, ours rejects (RFC 9901 §7.1 step 3.3.2.3)', async () => {
  const d = disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'given_name', 'Mallory');
  const sdJwt = await crafted({ given_name: 'Alice', _sd: [digestOf(d)] }, [d]);
  assert.equal((await theirs.verify(sdJwt, { currentDate: NOW })).payload.given_name, 'Mallory');
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('sd_jwt_claim_collision'));
});

test('an array-element disclosure referenced from _sd: theirs ignores it, ours rejects (RFC 9901 §7.1 step 3.3.2.1)', async () => {
  const d = disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'KR');
  const sdJwt = await crafted({ _sd: [digestOf(d)] }, [d]);
  await theirs.verify(sdJwt, { currentDate: NOW });
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('sd_jwt_disclosure_wrong_shape'));
});

test('the same digest twice in the payload: theirs accepts, ours rejects (RFC 9901 §7.1 step 4)', async () => {
  const d = disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'given_name', 'Alice');
  const sdJwt = await crafted({ _sd: [digestOf(d)], address: { _sd: [digestOf(d)] } }, [d]);
  await theirs.verify(sdJwt, { currentDate: NOW });
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('sd_jwt_duplicate_digest'));
});

test('exp delivered as a disclosure, already past: theirs accepts, ours rejects (SD-JWT VC §2.2.2.3)', async () => {
  const d = disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'exp', NOW - 86400);
  const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, { iss: ISS, vct: VCT, iat: NOW - 90000, _sd: [digestOf(d)] }, issuer.signer);
  const sdJwt = `${jwt}~${d}~`;
  assert.equal((await theirs.verify(sdJwt, { currentDate: NOW })).payload.exp, NOW - 86400);
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('sd_jwt_vc_claim_not_disclosable'));
});

test('duplicate member names in the signed payload: theirs takes the last, ours rejects (RFC 7515 §5.2)', async () => {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dc+sd-jwt', kid: issuer.signer.kid })).toString('base64url');
  const body = `{"iss":"${ISS}","vct":"${VCT}","iat":${NOW},"given_name":"Alice","given_name":"Mallory"}`;
  const input = `${header}.${Buffer.from(body).toString('base64url')}`;
  const sig = Buffer.from(await issuer.signer.sign(Buffer.from(input))).toString('base64url');
  const sdJwt = `${input}.${sig}~`;
  assert.equal((await theirs.verify(sdJwt, { currentDate: NOW })).payload.given_name, 'Mallory');
  await assert.rejects(verifySdJwtVc(sdJwt, holderSide), code('jws_malformed'));
});
