import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { JWK } from 'jose';
import { fixedClock } from '../../../src/clock.js';
import { issueSdJwtVc, type IssueSdJwtVcInput } from '../../../src/formats/sd-jwt-vc/issue-sd-jwt-vc.js';
import { verifySdJwtVc, type VerifySdJwtVcOptions } from '../../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { issueSdJwt } from '../../../src/formats/sd-jwt/issue-sd-jwt.js';
import { presentSdJwt } from '../../../src/formats/sd-jwt/present-sd-jwt.js';
import { createKbJwt } from '../../../src/formats/sd-jwt/create-kb-jwt.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import type { Signer } from '../../../src/keys/signer.js';
import { code, jwtHeader, jwtPayload, newSigner } from '../helpers.js';

const issuer = await newSigner();
const holder = await newSigner();
const stranger = await newSigner();
const NOW = 1_800_000_000;
const ISS = 'https://issuer.example';
const VCT = 'https://credentials.example/mdl';
const clock = fixedClock(NOW * 1000);
const kb = { required: true, nonce: 'nonce-1', aud: 'https://verifier.example', maxAgeSeconds: 120 };

const base: IssueSdJwtVcInput = {
  iss: ISS,
  vct: VCT,
  iat: NOW - 60,
  exp: NOW + 3600,
  cnfJwk: holder.signer.publicJwk,
  status: { status_list: { idx: 42, uri: 'https://issuer.example/status/1' } },
  claims: {
    given_name: '길동',
    birthdate: '1990-01-01',
    address: { locality: '서울', country: 'KR' },
    driving_privileges: [{ vehicle_category_code: 'B' }],
  },
  disclosable: ['given_name', 'birthdate', 'address', 'address.locality', 'driving_privileges[]'],
  padTo: { '': 6 },
  signer: issuer.signer,
};

const options = (extra: Partial<VerifySdJwtVcOptions> = {}): VerifySdJwtVcOptions => ({
  resolveIssuerKey: ({ iss, kid }) =>
    iss === ISS && kid === issuer.signer.kid ? { jwk: issuer.signer.publicJwk, alg: 'ES256' } : undefined,
  clock,
  skewSeconds: 30,
  kb,
  ...extra,
});

async function present(
  sdJwt: string,
  disclose: string[],
  holderSigner: Signer = holder.signer,
  extra: Partial<typeof kb & { iat: number }> = {},
) {
  const p = presentSdJwt(sdJwt, { disclose });
  return p + (await createKbJwt({ sdJwtWithoutKb: p, holderSigner, nonce: kb.nonce, aud: kb.aud, iat: NOW, ...extra }));
}

/** Signs an arbitrary SD-JWT VC-like payload, to build credentials our issuer would refuse. */
const craft = (payload: JsonObject, disclosable: string[] = [], header: JsonObject = { typ: 'dc+sd-jwt' }) =>
  issueSdJwt({ header, payload, disclosable, signer: issuer.signer }).then((r) => r.sdJwt);

const plain = { iss: ISS, iat: NOW, exp: NOW + 60, vct: VCT };

test('issues an SD-JWT VC with typ dc+sd-jwt and plain registered claims', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  const { jwt } = parseSdJwt(sdJwt);
  assert.deepEqual(jwtHeader(jwt), { alg: 'ES256', typ: 'dc+sd-jwt', kid: issuer.signer.kid });
  const payload = jwtPayload(jwt);
  for (const name of ['iss', 'iat', 'exp', 'vct', 'cnf', 'status']) assert.ok(name in payload, name);
  assert.equal((payload._sd as string[]).length, 6);
  assert.equal(payload.given_name, undefined);
});

test('verifies a key-bound presentation and returns only what was disclosed', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  const result = await verifySdJwtVc(await present(sdJwt, ['address.locality']), options());
  assert.deepEqual(result.payload, {
    iss: ISS,
    iat: NOW - 60,
    exp: NOW + 3600,
    vct: VCT,
    cnf: { jwk: holder.signer.publicJwk as JsonObject },
    status: base.status as unknown as JsonObject,
    address: { locality: '서울', country: 'KR' },
    driving_privileges: [],
  });
  assert.deepEqual(result.disclosedPaths, [['address'], ['address', 'locality']]);
  assert.equal(result.kb?.payload.nonce, kb.nonce);
});

test('verifies an issued SD-JWT VC on the holder side, where no KB-JWT is expected', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  const result = await verifySdJwtVc(sdJwt, options({ kb: undefined }));
  assert.deepEqual(result.payload.driving_privileges, [{ vehicle_category_code: 'B' }]);
  await assert.rejects(verifySdJwtVc(await present(sdJwt, []), options({ kb: undefined })), code('sd_jwt_unexpected_kb'));
});

test('refuses to make registered claims selectively disclosable', async () => {
  for (const path of ['iss', 'exp', 'nbf', 'cnf', 'cnf.jwk', 'vct', 'status', 'status.status_list', 'iat', 'vct#integrity', 'aka_vcts[]']) {
    await assert.rejects(issueSdJwtVc({ ...base, disclosable: [path] }), code('sd_jwt_vc_claim_not_disclosable'), path);
  }
  // A frozen list (the catalogue's) is checked once and remembered only when it passes: a bad
  // one is refused every time, a good one keeps issuing.
  const bad = Object.freeze([...base.disclosable, 'cnf.jwk']);
  for (let i = 0; i < 2; i++) await assert.rejects(issueSdJwtVc({ ...base, disclosable: bad }), code('sd_jwt_vc_claim_not_disclosable'));
  const good = Object.freeze([...base.disclosable]);
  for (let i = 0; i < 2; i++) assert.equal((await issueSdJwtVc({ ...base, disclosable: good })).disclosures.length > 0, true);
  // A list that can still change is checked every time.
  const open = [...base.disclosable];
  assert.equal((await issueSdJwtVc({ ...base, disclosable: open })).disclosures.length > 0, true);
  open.push('status');
  await assert.rejects(issueSdJwtVc({ ...base, disclosable: open }), code('sd_jwt_vc_claim_not_disclosable'));
});

test('refuses claims that would override the registered claims it sets', async () => {
  for (const name of ['iss', 'iat', 'nbf', 'exp', 'vct', 'cnf', 'status']) {
    await assert.rejects(issueSdJwtVc({ ...base, claims: { ...base.claims, [name]: 'x' } }), code('sd_jwt_vc_reserved_claim'), name);
  }
});

test('refuses a holder key with private members or of an unsupported type', async () => {
  await assert.rejects(issueSdJwtVc({ ...base, cnfJwk: holder.privateJwk }), code('sd_jwt_vc_cnf_invalid'));
  await assert.rejects(issueSdJwtVc({ ...base, cnfJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } as JWK }), code('sd_jwt_vc_cnf_invalid'));
});

test('refuses a malformed status reference and non-numeric times', async () => {
  const status = { status_list: { idx: -1, uri: 'x' } };
  await assert.rejects(issueSdJwtVc({ ...base, status }), code('sd_jwt_vc_status_invalid'));
  await assert.rejects(issueSdJwtVc({ ...base, exp: Number.NaN }), code('jwt_time_claim_invalid'));
});

test('rejects a typ other than dc+sd-jwt', async () => {
  for (const header of [{}, { typ: 'vc+sd-jwt' }, { typ: 'JWT' }, { typ: 'DC+SD-JWT' }, { typ: 'example+sd-jwt' }] as JsonObject[]) {
    await assert.rejects(verifySdJwtVc(await craft(plain, [], header), options({ kb: undefined })), code('sd_jwt_vc_bad_typ'));
  }
});

test('rejects a missing or non-string vct, and a missing iss', async () => {
  const { vct: _v, ...noVct } = plain;
  await assert.rejects(verifySdJwtVc(await craft(noVct), options({ kb: undefined })), code('sd_jwt_vc_vct_missing'));
  await assert.rejects(verifySdJwtVc(await craft({ ...plain, vct: 1 }), options({ kb: undefined })), code('sd_jwt_vc_vct_missing'));
  // vct delivered only as a disclosure is missing from the signed payload.
  await assert.rejects(verifySdJwtVc(await craft(plain, ['vct']), options({ kb: undefined })), code('sd_jwt_vc_vct_missing'));
  const { iss: _i, ...noIss } = plain;
  await assert.rejects(verifySdJwtVc(await craft(noIss), options({ kb: undefined })), code('sd_jwt_vc_iss_missing'));
});

test('rejects registered claims delivered as disclosures', async () => {
  const withStatus = {
    ...plain,
    status: { status_list: { idx: 1, uri: 'https://s.example' } },
    cnf: { jwk: holder.signer.publicJwk as JsonObject },
  };
  for (const path of ['status', 'cnf', 'cnf.jwk', 'status.status_list', 'nbf']) {
    const payload = path === 'nbf' ? { ...withStatus, nbf: NOW - 10 } : withStatus;
    await assert.rejects(
      verifySdJwtVc(await craft(payload, [path]), options({ kb: undefined })),
      code('sd_jwt_vc_claim_not_disclosable'),
      path,
    );
  }
});

test('rejects a credential signed by a key that is not the issuer key', async () => {
  const forged = await issueSdJwtVc({ ...base, signer: { ...stranger.signer, kid: issuer.signer.kid } });
  await assert.rejects(verifySdJwtVc(forged.sdJwt, options({ kb: undefined })), code('jws_signature_invalid'));
  const unknown = await issueSdJwtVc({ ...base, signer: stranger.signer });
  await assert.rejects(verifySdJwtVc(unknown.sdJwt, options({ kb: undefined })), code('jws_key_not_found'));
  const otherIssuer = await issueSdJwtVc({ ...base, iss: 'https://other.example' });
  await assert.rejects(verifySdJwtVc(otherIssuer.sdJwt, options({ kb: undefined })), code('jws_key_not_found'));
});

test('rejects expired, not-yet-valid and future-issued credentials', async () => {
  const expired = await issueSdJwtVc({ ...base, exp: NOW - 31 });
  await assert.rejects(verifySdJwtVc(expired.sdJwt, options({ kb: undefined })), code('jwt_expired'));
  const early = await issueSdJwtVc({ ...base, nbf: NOW + 31 });
  await assert.rejects(verifySdJwtVc(early.sdJwt, options({ kb: undefined })), code('jwt_not_yet_valid'));
  const future = await issueSdJwtVc({ ...base, iat: NOW + 31 });
  await assert.rejects(verifySdJwtVc(future.sdJwt, options({ kb: undefined })), code('jwt_iat_in_future'));
  await assert.rejects(
    verifySdJwtVc(await craft({ ...plain, exp: '2030-01-01' }), options({ kb: undefined })),
    code('jwt_time_claim_invalid'),
  );
});

test('rejects a presentation without a KB-JWT when key binding is required', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  await assert.rejects(verifySdJwtVc(presentSdJwt(sdJwt, { disclose: ['given_name'] }), options()), code('kb_jwt_missing'));
});

test('rejects a KB-JWT on a credential without cnf', async () => {
  const { sdJwt } = await issueSdJwtVc({ ...base, cnfJwk: undefined });
  await assert.rejects(verifySdJwtVc(await present(sdJwt, ['given_name']), options()), code('kb_jwt_no_cnf'));
});

test('rejects a KB-JWT signed by a key other than cnf, or bound to another verifier or nonce', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  await assert.rejects(verifySdJwtVc(await present(sdJwt, ['given_name'], stranger.signer), options()), code('kb_jwt_signature_invalid'));
  await assert.rejects(
    verifySdJwtVc(await present(sdJwt, ['given_name'], holder.signer, { aud: 'https://evil.example' }), options()),
    code('kb_jwt_aud_mismatch'),
  );
  await assert.rejects(
    verifySdJwtVc(await present(sdJwt, ['given_name'], holder.signer, { nonce: 'old' }), options()),
    code('kb_jwt_nonce_mismatch'),
  );
  await assert.rejects(
    verifySdJwtVc(await present(sdJwt, ['given_name'], holder.signer, { iat: NOW - 600 }), options()),
    code('kb_jwt_iat_invalid'),
  );
});

test('rejects a presentation whose disclosures were changed after the holder signed it', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  const presented = await present(sdJwt, ['given_name']);
  const parts = parseSdJwt(presented);
  const extra = parseSdJwt(presentSdJwt(sdJwt, { disclose: ['birthdate'] })).disclosures[0]!;
  const tampered = `${parts.sdJwtWithoutKb}${extra}~${parts.kbJwt}`;
  await assert.rejects(verifySdJwtVc(tampered, options()), code('kb_jwt_sd_hash_mismatch'));
  const dropped = `${parts.jwt}~${parts.kbJwt}`;
  await assert.rejects(verifySdJwtVc(dropped, options()), code('kb_jwt_sd_hash_mismatch'));
});

test('treats a missing trailing ~ as a KB-JWT that is not one', async () => {
  const { sdJwt } = await issueSdJwtVc(base);
  const noTilde = sdJwt.slice(0, -1);
  await assert.rejects(verifySdJwtVc(noTilde, options({ kb: undefined })), code('sd_jwt_unexpected_kb'));
  await assert.rejects(verifySdJwtVc(noTilde, options()), code('jws_malformed'));
  await assert.rejects(verifySdJwtVc(parseSdJwt(sdJwt).jwt, options()), code('sd_jwt_malformed'));
});
