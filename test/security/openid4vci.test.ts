/**
 * SECURITY.md "Issuance (OpenID4VCI)": key proofs (Appendix F), c_nonces, pre-authorized and
 * transaction codes, access tokens, holder keys, and N proofs → N unlinkable credentials.
 * OAuth-shaped errors with the spec's codes; a refused request issues nothing and consumes nothing.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { SignJWT, type JWK } from 'jose';
import {
  accessToken,
  codeOf,
  holderKey,
  makeOffer,
  nonce,
  PRE_AUTH,
  proof,
  type HolderKey,
  type Offer,
  expireOffer,
} from '../openid4vci/vci-helpers.js';
import { hashSecret } from '../../src/issuance/vci-secrets.js';
import { b64, derSignature, nowS, type SecurityCase } from './support/index.js';
import { injectWithTimeout, runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';
import { cNonceKey, mintCNonce } from '../../src/issuance/c-nonce.js';

const TYPE = 'resident-id';
const offerFor = (f: SecurityFixture, extra: Record<string, unknown> = {}) =>
  makeOffer(f.t, f.keys.issuer, { type: TYPE, claims: f.t.runtime.catalog.get(TYPE)!.example, ...extra });
const credentialReq = (
  token: string | undefined,
  body: unknown,
  o: { url?: string; type?: string; auth?: string } = {},
): InjectOptions => ({
  method: 'POST',
  url: o.url ?? '/openid4vci/credential',
  headers: {
    'content-type': o.type ?? 'application/json',
    ...(o.auth !== undefined ? { authorization: o.auth } : token !== undefined && { authorization: `Bearer ${token}` }),
  },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});
const tokenReq = (form: Record<string, string> | string, type = 'application/x-www-form-urlencoded'): InjectOptions => ({
  method: 'POST',
  url: '/oauth/token',
  headers: { 'content-type': type },
  payload: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
});

/** An access token for a fresh offer, and a proof built by `make` (given a fresh c_nonce). */
async function withProofs(
  f: SecurityFixture,
  make: (ctx: { aud: string; nonce: string; key: HolderKey }) => Promise<unknown[]> | unknown[],
  body: (proofs: unknown[]) => unknown = (jwt) => ({ credential_configuration_id: TYPE, proofs: { jwt } }),
) {
  const token = await accessToken(f.t, await offerFor(f));
  const proofs = await make({ aud: f.issuer, nonce: await nonce(f.t), key: holderKey() });
  return credentialReq(token, body(proofs));
}
const proofCase = (
  name: string,
  code: string,
  o: (ctx: { aud: string; nonce: string; key: HolderKey }) => Parameters<typeof proof>[1] | Promise<Parameters<typeof proof>[1]>,
  key?: () => HolderKey,
): SecurityCase => ({
  name,
  request: (f) => withProofs(f, async (ctx) => [await proof(key?.() ?? ctx.key, await o(ctx))]),
  status: 400,
  code,
});
/** A proof whose header / payload we write by hand, signed by the holder key. */
async function rawProof(key: HolderKey, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256', typ: 'openid4vci-proof+jwt', jwk: key.jwk, ...header } as never)
    .sign(key.privateKey);
}
const headerCase = (name: string, header: (ctx: { key: HolderKey }) => Record<string, unknown>): SecurityCase => ({
  name,
  request: (f) => withProofs(f, async (ctx) => [await rawProof(ctx.key, header(ctx), { aud: ctx.aud, iat: nowS(), nonce: ctx.nonce })]),
  status: 400,
  code: 'invalid_proof',
});
/** A handmade unsigned-alg proof (jose refuses to sign with none / HS256 over an EC key). */
function algProof(alg: string, ctx: { aud: string; nonce: string; key: HolderKey }): string {
  const enc = (o: unknown) => b64(JSON.stringify(o));
  return `${enc({ alg, typ: 'openid4vci-proof+jwt', jwk: ctx.key.jwk })}.${enc({ aud: ctx.aud, iat: nowS(), nonce: ctx.nonce })}.${b64('sig'.repeat(22))}`;
}

const cases: SecurityCase[] = [
  // Proof JWT (Appendix F.4 / §8.3.1.2).
  proofCase('rejects a proof with typ JWT', 'invalid_proof', (c) => ({ aud: c.aud, nonce: c.nonce, typ: 'JWT' })),
  proofCase('rejects a proof with typ in other case', 'invalid_proof', (c) => ({
    aud: c.aud,
    nonce: c.nonce,
    typ: 'OpenID4VCI-Proof+JWT',
  })),
  headerCase('rejects a proof without typ', () => ({ typ: undefined })),
  {
    name: 'rejects a proof with alg none',
    request: (f) => withProofs(f, (c) => [algProof('none', c)]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'rejects a proof with alg HS256',
    request: (f) => withProofs(f, (c) => [algProof('HS256', c)]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'rejects a proof with alg RS256',
    request: (f) => withProofs(f, (c) => [algProof('RS256', c)]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'rejects a proof whose alg does not fit its jwk (EdDSA over an EC key)',
    request: (f) => withProofs(f, (c) => [algProof('EdDSA', c)]),
    status: 400,
    code: 'invalid_proof',
  },
  proofCase('rejects a proof for another audience', 'invalid_proof', (c) => ({ aud: 'https://other-issuer.example', nonce: c.nonce })),
  proofCase('rejects a proof aud with a trailing slash', 'invalid_proof', (c) => ({ aud: `${c.aud}/`, nonce: c.nonce })),
  {
    name: 'rejects a proof whose aud is an array',
    request: (f) => withProofs(f, async (c) => [await rawProof(c.key, {}, { aud: [c.aud], iat: nowS(), nonce: c.nonce })]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'rejects a proof without aud',
    request: (f) => withProofs(f, async (c) => [await rawProof(c.key, {}, { iat: nowS(), nonce: c.nonce })]),
    status: 400,
    code: 'invalid_proof',
  },
  proofCase('rejects a stale proof iat', 'invalid_proof', (c) => ({ aud: c.aud, nonce: c.nonce, iat: nowS() - 3600 })),
  proofCase('rejects a proof iat in the future', 'invalid_proof', (c) => ({ aud: c.aud, nonce: c.nonce, iat: nowS() + 3600 })),
  {
    name: 'rejects a proof without iat',
    request: (f) => withProofs(f, async (c) => [await rawProof(c.key, {}, { aud: c.aud, nonce: c.nonce })]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'rejects a proof iat given as a string',
    request: (f) => withProofs(f, async (c) => [await rawProof(c.key, {}, { aud: c.aud, iat: String(nowS()), nonce: c.nonce })]),
    status: 400,
    code: 'invalid_proof',
  },
  proofCase('rejects a proof without c_nonce', 'invalid_proof', (c) => ({ aud: c.aud })),
  proofCase('rejects an unknown c_nonce', 'invalid_nonce', (c) => ({ aud: c.aud, nonce: 'not-a-nonce-we-issued-0123456789' })),
  proofCase('rejects an expired c_nonce', 'invalid_nonce', async (c) => c),
  proofCase('rejects a used c_nonce', 'invalid_nonce', async (c) => c),
  headerCase('rejects a proof naming its key by kid', () => ({ kid: 'did:example:123#key-1' })),
  headerCase('rejects a proof with x5c next to jwk', () => ({ x5c: [b64('cert')] })),
  headerCase('rejects a proof jwk with private members', (c) => ({ jwk: { ...c.key.jwk, d: b64('0'.repeat(32)) } })),
  headerCase('rejects a proof jwk on P-384', () => ({
    jwk: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }),
  })),
  headerCase('rejects a proof jwk on secp256k1', () => ({
    jwk: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }),
  })),
  headerCase('rejects a symmetric proof jwk', () => ({ jwk: { kty: 'oct', k: b64('secret') } })),
  headerCase('rejects a proof jwk whose point is not on the curve', (c) => ({ jwk: { ...c.key.jwk, y: c.key.jwk.x } })),
  headerCase('rejects a proof signed by a key other than its jwk', () => ({ jwk: holderKey().jwk })),
  {
    name: 'rejects a DER-encoded proof signature',
    request: (f) =>
      withProofs(f, async (c) => {
        const p = await proof(c.key, c);
        const [h, pl, s] = p.split('.');
        return [`${h}.${pl}.${derSignature(s!)}`];
      }),
    status: 400,
    code: 'invalid_proof',
  },
  { name: 'rejects a proof that is not a string', request: (f) => withProofs(f, () => [{ jwt: 'x' }]), status: 400, code: 'invalid_proof' },
  { name: 'rejects a proof that is not a JWS', request: (f) => withProofs(f, () => ['not.a.jws']), status: 400, code: 'invalid_proof' },
  { name: 'rejects a 50 kB proof', request: (f) => withProofs(f, () => ['a'.repeat(50_000)]), status: 400, code: 'invalid_proof' },
  // Issue 14: the credential endpoint's body limit (64 kB here) refuses it before it is parsed.
  {
    name: 'refuses a 100 kB proof by the body limit of the credential endpoint',
    request: (f) => withProofs(f, () => ['a'.repeat(100_000)]),
    status: 413,
    // The endpoint's registered code (OpenID4VCI §8.3.1.2), not our body_too_large.
    code: 'invalid_credential_request',
  },
  {
    name: 'rejects two proofs with the same key',
    request: (f) => withProofs(f, async (c) => [await proof(c.key, c), await proof(c.key, { ...c, nonce: await nonce(f.t) })]),
    status: 400,
    code: 'invalid_proof',
  },
  {
    name: 'rejects more proofs than batch_size',
    request: (f) => withProofs(f, async (c) => Promise.all(Array.from({ length: 11 }, () => proof(holderKey(), c)))),
    status: 400,
    code: 'invalid_credential_request',
  },
  {
    name: 'rejects a request without proofs for a key-bound type',
    request: (f) =>
      withProofs(
        f,
        () => [],
        () => ({ credential_configuration_id: TYPE }),
      ),
    status: 400,
    code: 'invalid_proof',
  },
  { name: 'rejects an empty proofs.jwt', request: (f) => withProofs(f, () => []), status: 400, code: 'invalid_proof' },
  {
    name: 'rejects proofs of two types',
    request: (f) =>
      withProofs(
        f,
        async (c) => [await proof(c.key, c)],
        (jwt) => ({ credential_configuration_id: TYPE, proofs: { jwt, attestation: ['x'] } }),
      ),
    status: 400,
    code: 'invalid_credential_request',
  },
  {
    name: 'rejects a proof type we do not support',
    request: (f) =>
      withProofs(
        f,
        () => [],
        () => ({ credential_configuration_id: TYPE, proofs: { ldp_vp: [{}] } }),
      ),
    status: 400,
    code: 'invalid_proof',
  },
  // The credential request itself.
  {
    name: 'rejects an unknown credential_configuration_id',
    request: (f) =>
      withProofs(
        f,
        async (c) => [await proof(c.key, c)],
        (jwt) => ({ credential_configuration_id: 'no-such-thing', proofs: { jwt } }),
      ),
    status: 400,
    code: 'unknown_credential_configuration',
  },
  {
    name: 'rejects a configuration the access token does not cover',
    request: (f) =>
      withProofs(
        f,
        async (c) => [await proof(c.key, c)],
        (jwt) => ({ credential_configuration_id: 'driver-license', proofs: { jwt } }),
      ),
    status: 403,
    code: 'insufficient_scope',
  },
  {
    name: 'rejects credential_identifier',
    request: (f) =>
      withProofs(
        f,
        async (c) => [await proof(c.key, c)],
        (jwt) => ({ credential_identifier: 'x', proofs: { jwt } }),
      ),
    status: 400,
    code: 'invalid_credential_request',
  },
  {
    name: 'rejects response encryption parameters without a jwk and enc',
    request: (f) =>
      withProofs(
        f,
        async (c) => [await proof(c.key, c)],
        (jwt) => ({ credential_configuration_id: TYPE, proofs: { jwt }, credential_response_encryption: { alg: 'ECDH-ES' } }),
      ),
    status: 400,
    code: 'invalid_encryption_parameters',
  },
  {
    name: 'rejects a body that is a JSON array',
    request: (f) =>
      withProofs(
        f,
        () => [],
        () => [],
      ),
    status: 400,
    code: 'invalid_credential_request',
  },
  {
    name: 'rejects a form-encoded credential request',
    request: async (f) =>
      credentialReq(await accessToken(f.t, await offerFor(f)), `credential_configuration_id=${TYPE}`, {
        type: 'application/x-www-form-urlencoded',
      }),
    status: 400,
    code: 'invalid_credential_request',
  },
  {
    name: 'rejects a credential request without an access token',
    request: () => credentialReq(undefined, { credential_configuration_id: TYPE }),
    status: 401,
    code: 'invalid_token',
  },
  {
    name: 'rejects an unknown access token',
    request: () => credentialReq('a'.repeat(43), { credential_configuration_id: TYPE }),
    status: 401,
    code: 'invalid_token',
  },
  {
    name: 'rejects an access token in the query string',
    request: async (f) =>
      credentialReq(
        undefined,
        { credential_configuration_id: TYPE },
        { url: `/openid4vci/credential?access_token=${await accessToken(f.t, await offerFor(f))}` },
      ),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'rejects Basic authorization',
    request: () => credentialReq(undefined, {}, { auth: `Basic ${b64('a:b')}` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'rejects an access token that was already used',
    request: async (f) => {
      const token = await accessToken(f.t, await offerFor(f));
      const first = await f.t.app.inject(
        credentialReq(token, {
          credential_configuration_id: TYPE,
          proofs: { jwt: [await proof(holderKey(), { aud: f.issuer, nonce: await nonce(f.t) })] },
        }),
      );
      assert.equal(first.statusCode, 200, first.body);
      return credentialReq(token, {
        credential_configuration_id: TYPE,
        proofs: { jwt: [await proof(holderKey(), { aud: f.issuer, nonce: await nonce(f.t) })] },
      });
    },
    status: 401,
    code: 'invalid_token',
  },
  {
    name: 'rejects an expired access token',
    request: async (f) => {
      const token = await accessToken(f.t, await offerFor(f));
      await f.t.runtime.store.db
        .updateTable('vci_access_tokens')
        .set({ expires_at: Date.now() - 1000 })
        .where('token_hash', '=', hashSecret(token))
        .execute();
      return credentialReq(token, {
        credential_configuration_id: TYPE,
        proofs: { jwt: [await proof(holderKey(), { aud: f.issuer, nonce: await nonce(f.t) })] },
      });
    },
    status: 401,
    code: 'invalid_token',
  },
  // Token endpoint (§6, RFC 6749 §5.2).
  {
    name: 'token: rejects a reused pre-authorized code',
    request: async (f) => {
      const o = await offerFor(f);
      const code = await codeOf(f.t, o);
      assert.equal((await f.t.app.inject(tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': code }))).statusCode, 200);
      return tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': code });
    },
    status: 400,
    code: 'invalid_grant',
  },
  {
    name: 'token: rejects an expired pre-authorized code',
    request: async (f) => {
      const o = await offerFor(f);
      const code = await codeOf(f.t, o);
      await expireOffer(f.t, o);
      return tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': code });
    },
    status: 400,
    code: 'invalid_grant',
  },
  {
    name: 'token: rejects the right tx_code once the code is burned',
    request: async (f) => {
      const o: Offer = await offerFor(f, { tx_code: true });
      const code = await codeOf(f.t, o);
      const wrong = o.tx_code === '000000' ? '000001' : '000000';
      for (let i = 0; i < 5; i++) await f.t.app.inject(tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: wrong }));
      return tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: o.tx_code! });
    },
    status: 400,
    code: 'invalid_grant',
  },
  {
    name: 'token: counts a wrong tx_code on its offer and nothing else',
    request: async (f) => {
      const o = await offerFor(f, { tx_code: true });
      return tokenReq({
        grant_type: PRE_AUTH,
        'pre-authorized_code': await codeOf(f.t, o),
        tx_code: o.tx_code === '999999' ? '000000' : '999999',
      });
    },
    status: 400,
    code: 'invalid_grant',
    changes: { vci_offers: { modified: 1 } },
    check: (_res, _f, diffs) => assert.equal(Number(diffs.vci_offers.modified[0]!.after.tx_attempts), 1),
  },
  {
    name: 'token: rejects an unknown pre-authorized code',
    request: () => tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': 'x'.repeat(43) }),
    status: 400,
    code: 'invalid_grant',
  },
  {
    name: 'token: rejects the authorization_code grant',
    request: () => tokenReq({ grant_type: 'authorization_code', code: 'x' }),
    status: 400,
    code: 'unsupported_grant_type',
  },
  {
    name: 'token: rejects a missing pre-authorized code',
    request: () => tokenReq({ grant_type: PRE_AUTH }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'token: rejects a pre-authorized code given twice',
    request: () => tokenReq(`grant_type=${encodeURIComponent(PRE_AUTH)}&pre-authorized_code=a&pre-authorized_code=b`),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'token: rejects a JSON token request',
    request: () => tokenReq(JSON.stringify({ grant_type: PRE_AUTH, 'pre-authorized_code': 'x' }), 'application/json'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'token: rejects a tx_code the offer did not ask for',
    request: async (f) =>
      tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(f.t, await offerFor(f)), tx_code: '123456' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'token: rejects a missing tx_code',
    request: async (f) =>
      tokenReq({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(f.t, await offerFor(f, { tx_code: true })) }),
    status: 400,
    code: 'invalid_request',
  },
  // Holder keys handed in by a back office.
  {
    name: 'issuance API: rejects a holder_jwk with private members',
    request: async (f) => ({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${f.keys.issuer}` },
      payload: { type: 'driver-license', claims: f.t.runtime.catalog.get('driver-license')!.example, holder_jwk: f.holder.privateJwk },
    }),
    status: 400,
    code: 'invalid_holder_jwk',
  },
  {
    name: 'issuance API: rejects a holder_jwk on an unsupported curve',
    request: async (f) => ({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${f.keys.issuer}` },
      payload: {
        type: 'driver-license',
        claims: f.t.runtime.catalog.get('driver-license')!.example,
        holder_jwk: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as JWK,
      },
    }),
    status: 400,
    code: 'invalid_holder_jwk',
  },
];

// The expired / used c_nonce cases change the nonce row in their preparation (before the snapshot).
const prepared = (name: string, edit: (f: SecurityFixture, n: string) => Promise<unknown>) => {
  const c = cases.find((x) => x.name === name)!;
  c.request = async (f) => {
    const token = await accessToken(f.t, await offerFor(f));
    const fresh = await nonce(f.t);
    // An edit may hand back another c_nonce to send instead.
    const edited = await edit(f, fresh);
    const n = typeof edited === 'string' ? edited : fresh;
    return credentialReq(token, {
      credential_configuration_id: TYPE,
      proofs: { jwt: [await proof(holderKey(), { aud: f.issuer, nonce: n })] },
    });
  };
};
// A c_nonce is stored only once it is used (src/issuance/c-nonce.ts): used = its row is there;
// expired = the time inside it, under its tag, has passed.
prepared('rejects an expired c_nonce', async (f) => mintCNonce(await cNonceKey(f.t.runtime), f.t.clock.now() - 1000));
prepared('rejects a used c_nonce', async (f, n) => {
  const now = f.t.clock.now();
  await f.t.runtime.store.db
    .insertInto('vci_nonces')
    .values({ nonce_hash: hashSecret(n), created_at: now, expires_at: now + 60_000, consumed_at: now })
    .execute();
});

runSecurityCases('Issuance (OpenID4VCI)', cases, {
  extra: (fixture) => {
    it('issues N credentials for N proofs, each bound to its own key, with distinct salts and status indices', async () => {
      const f = fixture();
      const token = await accessToken(f.t, await offerFor(f));
      const keys = [holderKey(), holderKey('Ed25519'), holderKey()];
      const jwt = await Promise.all(keys.map(async (k) => proof(k, { aud: f.issuer, nonce: await nonce(f.t) })));
      const res = await injectWithTimeout(f, credentialReq(token, { credential_configuration_id: TYPE, proofs: { jwt } }));
      assert.equal(res.statusCode, 200, res.body);
      const creds = res.json<{ credentials: { credential: string }[] }>().credentials.map((c) => c.credential);
      assert.equal(creds.length, 3);
      const payloads = creds.map(
        (c) =>
          JSON.parse(Buffer.from(c.split('~')[0]!.split('.')[1]!, 'base64url').toString()) as {
            cnf: { jwk: JWK };
            status: { status_list: { idx: number } };
            _sd: string[];
          },
      );
      assert.deepEqual(
        payloads.map((p) => p.cnf.jwk.x),
        keys.map((k) => k.jwk.x),
      );
      const idx = payloads.map((p) => p.status.status_list.idx);
      assert.equal(new Set(idx).size, 3);
      const sorted = [...idx].sort((a, b) => a - b);
      assert.ok(!(sorted[1]! - sorted[0]! === 1 && sorted[2]! - sorted[1]! === 1), `status indices look sequential: ${String(sorted)}`);
      const salts = creds.flatMap((c) =>
        c
          .split('~')
          .slice(1, -1)
          .map((d) => (JSON.parse(Buffer.from(d, 'base64url').toString()) as string[])[0]),
      );
      assert.equal(new Set(salts).size, salts.length, 'every salt is distinct');
      assert.equal(
        new Set(payloads.flatMap((p) => p._sd)).size,
        payloads.flatMap((p) => p._sd).length,
        'no digest repeats across the batch',
      );
    });
  },
});
