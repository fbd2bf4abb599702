/**
 * Issue 14 §2: public keys without a private half. Every HTTP entry point where a holder key
 * comes in refuses every bad key class (test/helpers/bad-public-jwks.ts), on both stores, and
 * nothing stored changes:
 *   direct issuance `holder_jwk` → 400 invalid_holder_jwk; OpenID4VCI proof `jwk` → 400
 *   invalid_proof; counter verification of a credential whose `cnf.jwk` is such a key →
 *   verdict rejected, jws_key_invalid; history token `jwk` → 401 history_token_invalid (the
 *   codes those paths already gave for a symmetric or private key).
 * Bad variants of real keys are signed with the real private key, so only the key check can
 * refuse them. Then the exploit end to end (the Ed25519 identity key with a constant signature),
 * and batch duplicates compared on the canonical key's thumbprint.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { createHash, sign } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { JWK } from 'jose';
import { accessToken, makeOffer, nonce } from '../openid4vci/vci-helpers.js';
import { sdDigest } from '../../src/formats/sd-jwt/compute-digest.js';
import { historyAudience, HISTORY_TYP } from '../../src/presentation/list-holder-history.js';
import { badPublicJwks, IDENTITY_SIGNATURE, IDENTITY_X, realKeys, type BadKeyCase, type RealKey } from '../helpers/bad-public-jwks.js';
import {
  b64,
  b64json,
  counter,
  counterNonce,
  credentialParts,
  history,
  nowS,
  randomNonce,
  reissue,
  type JsonObj,
  type SecurityCase,
} from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';

const VCI_TYPE = 'resident-id';
const IDENTITY: JWK = { kty: 'OKP', crv: 'Ed25519', x: IDENTITY_X };
const keys = realKeys();
const bad = badPublicJwks(keys);

/** A compact JWS signed with a real private key (or given a fixed signature), whatever the header says. */
function signWith(signer: RealKey | { signature: string }, header: JsonObj, payload: JsonObj): string {
  const input = `${b64json(header)}.${b64json(payload)}`;
  if ('signature' in signer) return `${input}.${signer.signature}`;
  const data = Buffer.from(input, 'ascii');
  const sig =
    signer.alg === 'ES256'
      ? sign('sha256', data, { key: signer.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, data, signer.privateKey);
  return `${input}.${b64(sig)}`;
}
const algOf = (jwk: JWK) => (jwk.kty === 'OKP' ? 'EdDSA' : 'ES256');
/** RFC 7638 over whatever members the key has (a bad key must not make the test throw first). */
const thumbprint = (jwk: JWK) =>
  createHash('sha256')
    .update(
      JSON.stringify(jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x }),
    )
    .digest('base64url');

// --- requests per entry point -------------------------------------------------------------

const directIssue = (f: SecurityFixture, holderJwk: JWK): InjectOptions => ({
  method: 'POST',
  url: '/v1/credentials',
  headers: { authorization: `Bearer ${f.keys.issuer}` },
  payload: { type: 'driver-license', claims: f.t.runtime.catalog.get('driver-license')!.example, holder_jwk: holderJwk },
});

/** A credential request with one proof per key (an access token and a c_nonce each, prepared before the snapshot). */
async function proofRequest(f: SecurityFixture, proofs: { jwk: JWK; signer: RealKey | { signature: string } }[]): Promise<InjectOptions> {
  const offer = await makeOffer(f.t, f.keys.issuer, { type: VCI_TYPE, claims: f.t.runtime.catalog.get(VCI_TYPE)!.example });
  const token = await accessToken(f.t, offer);
  const jwt: string[] = [];
  for (const p of proofs) {
    const header = { typ: 'openid4vci-proof+jwt', alg: algOf(p.jwk), jwk: p.jwk as JsonObj };
    jwt.push(signWith(p.signer, header, { aud: f.issuer, iat: nowS(), nonce: await nonce(f.t) }));
  }
  return {
    method: 'POST',
    url: '/openid4vci/credential',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    payload: JSON.stringify({ credential_configuration_id: VCI_TYPE, proofs: { jwt } }),
  };
}

/** The fixture credential re-signed by our issuer with `cnf.jwk` = `jwk` (as if issued before the fix), presented with a KB-JWT. */
async function counterWithCnf(f: SecurityFixture, jwk: JWK, signer: RealKey | { signature: string }): Promise<InjectOptions> {
  const jwt = await reissue(f, (_h, p) => {
    p.cnf = { jwk: jwk as JsonObj };
  });
  const sd = `${jwt}~${credentialParts(f)
    .disclosures.map((d) => `${d}~`)
    .join('')}`;
  const kb = signWith(
    signer,
    { typ: 'kb+jwt', alg: algOf(jwk) },
    { iat: nowS(), aud: f.aud, nonce: await counterNonce(f), sd_hash: sdDigest(sd) },
  );
  return counter(f, sd + kb);
}

const historyWith = (f: SecurityFixture, jwk: JWK, signer: RealKey | { signature: string }): InjectOptions =>
  history(
    signWith(
      signer,
      { typ: HISTORY_TYP, alg: algOf(jwk), jwk: jwk as JsonObj },
      { aud: historyAudience(f.issuer), iat: nowS(), jti: randomNonce(), cnf: { jkt: thumbprint(jwk) } },
    ),
  );

// --- the table ------------------------------------------------------------------------------

const perClass = (c: BadKeyCase): SecurityCase[] => [
  { name: `issuance API: refuses holder_jwk = ${c.name}`, request: (f) => directIssue(f, c.jwk), status: 400, code: 'invalid_holder_jwk' },
  {
    name: `OpenID4VCI: refuses a proof whose jwk is ${c.name}`,
    request: (f) => proofRequest(f, [{ jwk: c.jwk, signer: c.signer }]),
    status: 400,
    code: 'invalid_proof',
  },
  ...(c.torsionOnly
    ? []
    : [
        {
          name: `counter: refuses a credential whose cnf.jwk is ${c.name}`,
          request: (f: SecurityFixture) => counterWithCnf(f, c.jwk, c.signer),
          status: 200,
          verdict: true,
          code: 'jws_key_invalid',
        },
        {
          name: `history: refuses a token whose jwk is ${c.name}`,
          request: (f: SecurityFixture) => historyWith(f, c.jwk, c.signer),
          status: 401,
          code: 'history_token_invalid',
        },
      ]),
];

const CONSTANT = { signature: IDENTITY_SIGNATURE };
const identityJkt = thumbprint(IDENTITY);

const exploit: SecurityCase[] = [
  {
    name: 'exploit: a constant-signature proof under the Ed25519 identity key issues nothing and consumes nothing',
    request: (f) => proofRequest(f, [{ jwk: IDENTITY, signer: CONSTANT }]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'exploit: a constant-signature KB-JWT under an identity-key cnf is no verified presentation at the counter',
    request: (f) => counterWithCnf(f, IDENTITY, CONSTANT),
    status: 200,
    verdict: true,
    code: 'jws_key_invalid',
    check: (_res, _f, diffs) =>
      assert.notEqual(diffs.verification_receipts.added[0]!.holder_jkt, identityJkt, 'the receipt is not filed under the identity key'),
  },
  {
    name: 'exploit: a constant-signature history token under the identity key lists no receipts',
    request: (f) => historyWith(f, IDENTITY, CONSTANT),
    status: 401,
    code: 'history_token_invalid',
    check: (res) => assert.equal(res.json<{ items?: unknown }>().items, undefined),
  },
];

const ec = keys.ec.jwk as { kty: string; crv: string; x: string; y: string };
const duplicates: SecurityCase[] = [
  {
    name: 'batch: the same P-256 key twice, the second with x zero-padded to 33 bytes, is refused',
    request: (f) =>
      proofRequest(f, [
        { jwk: ec as JWK, signer: keys.ec },
        { jwk: { ...ec, x: b64(Buffer.concat([Buffer.alloc(1), Buffer.from(ec.x, 'base64url')])) } as JWK, signer: keys.ec },
      ]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'batch: the same key twice with other members and member order is one key (RFC 7638 thumbprint, not the JSON)',
    request: (f) =>
      proofRequest(f, [
        { jwk: ec as JWK, signer: keys.ec },
        { jwk: { y: ec.y, x: ec.x, crv: ec.crv, kty: ec.kty, kid: 'second', alg: 'ES256', use: 'sig' } as JWK, signer: keys.ec },
      ]),
    status: 400,
    code: 'invalid_proof',
  },
];

runSecurityCases('Public keys without a private half', [...bad.flatMap(perClass), ...exploit, ...duplicates], {
  extra: (fixture) => {
    // Controls: the same paths accept real keys, so the refusals above are about the keys.
    it('issuance API and OpenID4VCI accept the real keys the bad variants were derived from', async () => {
      const f = fixture();
      for (const k of [keys.ec, keys.ed]) {
        assert.equal((await f.t.app.inject(directIssue(f, k.jwk as JWK))).statusCode, 201);
        const res = await f.t.app.inject(await proofRequest(f, [{ jwk: k.jwk as JWK, signer: k }]));
        assert.equal(res.statusCode, 200, res.body);
      }
    });
    it('the counter verifies a credential bound to a real Ed25519 key, and history lists its receipt', async () => {
      const f = fixture();
      const res = await f.t.app.inject(await counterWithCnf(f, keys.ed.jwk as JWK, keys.ed));
      assert.equal(res.json<{ verdict: string }>().verdict, 'verified', res.body);
      const h = await f.t.app.inject(historyWith(f, keys.ed.jwk as JWK, keys.ed));
      assert.equal(h.statusCode, 200, h.body);
      assert.equal(h.json<{ items: unknown[] }>().items.length, 1);
    });
  },
});
