/**
 * SECURITY.md "Presentations (verifier)": key binding, replay (deduplicated on the consumed
 * nonce, also across re-encoded signatures), direct_post state and expiry, over-disclosure,
 * revoked / suspended credentials and status lists that cannot be used.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { generateHolderKey } from '../../src/wallet/holder-key.js';
import { sdDigest } from '../../src/formats/sd-jwt/compute-digest.js';
import { issueViaApi } from '../presentation/helpers.js';
import {
  b64json,
  counter,
  type KbOptions,
  credentialParts,
  disclosureOf,
  kbJwt,
  nowS,
  P256_N,
  present,
  randomNonce,
  readRs,
  reissue,
  rsSignature,
  type SecurityCase,
} from './support/index.js';
import { answerCode, injectWithTimeout, runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';

const kbCase = (name: string, code: string, kb: KbOptions | false): SecurityCase => ({
  name,
  request: async (f) => counter(f, await present(f, { kb })),
  status: 200,
  verdict: true,
  code,
});

/** A presentation verified once (its nonce is now consumed), and a second one built from it. */
async function replay(f: SecurityFixture, second: (first: string, sd: string) => Promise<string> | string): Promise<InjectOptions> {
  const first = await present(f, { disclosures: [disclosureOf(f, 'age_over_19')] });
  const res = await f.t.app.inject(counter(f, first));
  assert.equal(res.json<{ verdict: string }>().verdict, 'verified', res.body);
  const sd = first.slice(0, first.lastIndexOf('~') + 1);
  return counter(f, await second(first, sd));
}

/** A fresh credential of the fixture holder, with its status changed through the API. */
async function withStatus(f: SecurityFixture, action: 'revoke' | 'suspend'): Promise<InjectOptions> {
  const issued = await issueViaApi(f.t, f.keys.issuer, 'driver-license', f.holder);
  const res = await f.t.app.inject({
    method: 'POST',
    url: `/v1/credentials/${issued.id}/${action}`,
    headers: { authorization: `Bearer ${f.keys.issuer}` },
    payload: { reason: 'test' },
  });
  assert.equal(res.statusCode, 200, res.body);
  // The in-process status list publisher re-reads a list's version at most once a second
  // (status-list-publisher.ts: "a change shows within a second here"); verifiers elsewhere
  // see it within the list's ttl. Move the app's clock past that second rather than read a cached list.
  f.t.clock.advance(1100);
  const sd = `${issued.credential.split('~')[0]}~`;
  return counter(f, sd + (await kbJwt(f, sd)));
}
const statusRef = (name: string, code: string, status: (f: SecurityFixture) => unknown): SecurityCase => ({
  name,
  request: async (f) =>
    counter(
      f,
      await present(f, {
        jwt: await reissue(f, (_h, p) => {
          p.status = status(f) as never;
        }),
      }),
    ),
  status: 200,
  verdict: true,
  code,
});

// OpenID4VP: a request made by the fixture verifier, read back from the store for its state and nonce.
async function verifierRequest(f: SecurityFixture): Promise<{ id: string; state: string; nonce: string }> {
  const vct = f.t.runtime.catalog.get('driver-license')!.vct;
  const res = await f.t.app.inject({
    method: 'POST',
    url: '/v1/verifier/requests',
    headers: { authorization: `Bearer ${f.keys.verifier}` },
    payload: {
      dcql_query: {
        credentials: [{ id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['age_over_19'] }] }],
      },
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json<{ id: string }>().id;
  const row = await f.t.runtime.store.db
    .selectFrom('verifier_requests')
    .select(['state', 'nonce'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, ...row };
}
const directPost = (form: Record<string, string> | string, type = 'application/x-www-form-urlencoded'): InjectOptions => ({
  method: 'POST',
  url: '/openid4vp/response',
  headers: { 'content-type': type },
  payload: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
});
const vpToken = (presentation: string) => JSON.stringify({ licence: [presentation] });
/** A presentation for a verifier request with the KB-JWT changed by `kb`. */
async function answer(f: SecurityFixture, kb: (req: { nonce: string }) => KbOptions): Promise<InjectOptions> {
  const req = await verifierRequest(f);
  const presentation = await present(f, { disclosures: [disclosureOf(f, 'age_over_19')], kb: kb(req) });
  return directPost({ vp_token: vpToken(presentation), state: req.state });
}

const cases: SecurityCase[] = [
  // Key binding (RFC 9901 §7.3).
  kbCase('rejects a presentation without a KB-JWT when binding is required', 'kb_jwt_missing', false),
  kbCase('rejects a KB-JWT with typ JWT', 'kb_jwt_bad_typ', { header: { typ: 'JWT' } }),
  kbCase('rejects a KB-JWT without typ', 'kb_jwt_bad_typ', { header: { typ: null } }),
  kbCase('rejects a KB-JWT with alg none', 'jws_alg_not_allowed', { header: { alg: 'none' } }),
  kbCase('rejects a KB-JWT with alg HS256', 'jws_alg_not_allowed', { header: { alg: 'HS256' } }),
  {
    name: 'rejects a KB-JWT signed by a key other than cnf',
    request: async (f) => counter(f, await present(f, { kb: { signer: (await generateHolderKey()).signer } })),
    status: 200,
    verdict: true,
    code: 'kb_jwt_signature_invalid',
  },
  kbCase('rejects a wrong sd_hash', 'kb_jwt_sd_hash_mismatch', { payload: { sd_hash: sdDigest('something else') } }),
  kbCase('rejects a KB-JWT without sd_hash', 'kb_jwt_sd_hash_mismatch', { drop: ['sd_hash'] }),
  {
    name: 'rejects a Disclosure removed after the KB-JWT was signed (sd_hash)',
    request: async (f) => {
      const p = await present(f);
      const parts = p.split('~');
      parts.splice(1, 1);
      return counter(f, parts.join('~'));
    },
    status: 200,
    verdict: true,
    code: 'kb_jwt_sd_hash_mismatch',
  },
  kbCase('rejects a counter KB-JWT without a nonce', 'nonce_invalid', { drop: ['nonce'] }),
  kbCase('rejects a counter nonce shorter than 128 bits', 'nonce_invalid', { payload: { nonce: 'abcdefgh' } }),
  kbCase('rejects a counter nonce that is a number', 'nonce_invalid', { payload: { nonce: 1234567890123456 } }),
  kbCase('rejects an aud of another verifier', 'kb_jwt_aud_mismatch', {
    payload: { aud: 'decentralized_identifier:did:web:other.example' },
  }),
  {
    name: 'rejects an aud array that contains this verifier',
    request: async (f) => counter(f, await present(f, { kb: { payload: { aud: [f.aud] } } })),
    status: 200,
    verdict: true,
    code: 'kb_jwt_aud_mismatch',
  },
  {
    name: 'rejects an aud with a trailing slash',
    request: async (f) => counter(f, await present(f, { kb: { payload: { aud: `${f.aud}/` } } })),
    status: 200,
    verdict: true,
    code: 'kb_jwt_aud_mismatch',
  },
  kbCase('rejects a KB-JWT without aud', 'kb_jwt_aud_mismatch', { drop: ['aud'] }),
  {
    name: 'rejects a KB-JWT iat older than allowed',
    request: async (f) => counter(f, await present(f, { kb: { payload: { iat: nowS() - 600 } } })),
    status: 200,
    verdict: true,
    code: 'kb_jwt_iat_invalid',
  },
  {
    name: 'rejects a KB-JWT iat in the future',
    request: async (f) => counter(f, await present(f, { kb: { payload: { iat: nowS() + 600 } } })),
    status: 200,
    verdict: true,
    code: 'kb_jwt_iat_invalid',
  },
  kbCase('rejects a KB-JWT iat that is a string', 'kb_jwt_iat_invalid', { payload: { iat: 'now' } }),
  kbCase('rejects a KB-JWT without iat', 'kb_jwt_iat_invalid', { drop: ['iat'] }),
  {
    name: "rejects an expired KB-JWT (exp in the past) as the KB-JWT's fault, not an expired credential",
    request: async (f) => counter(f, await present(f, { kb: { payload: { exp: nowS() - 600 } } })),
    status: 200,
    verdict: true,
    code: 'kb_jwt_time_invalid',
  },
  // Replay: the second use of a nonce, however the token is re-encoded.
  {
    name: 'rejects the same presentation twice',
    request: (f) => replay(f, (first) => first),
    status: 200,
    verdict: true,
    code: 'nonce_reused',
  },
  {
    name: 'rejects a replay whose KB-JWT signature was re-encoded as (r, n - s)',
    request: (f) =>
      replay(f, (first) => {
        const kb = first.slice(first.lastIndexOf('~') + 1);
        const [h, p, s] = kb.split('.') as [string, string, string];
        const { r, s: sv } = readRs(s);
        return `${first.slice(0, first.lastIndexOf('~') + 1)}${h}.${p}.${rsSignature(r, P256_N - sv)}`;
      }),
    status: 200,
    verdict: true,
    code: 'nonce_reused',
  },
  {
    name: 'rejects a replay signed afresh over the same nonce',
    request: (f) =>
      replay(f, async (first, sd) => {
        const nonce = JSON.parse(Buffer.from(first.slice(first.lastIndexOf('~') + 1).split('.')[1]!, 'base64url').toString()) as {
          nonce: string;
        };
        return sd + (await kbJwt(f, sd, { payload: { nonce: nonce.nonce, iat: nowS() - 1 } }));
      }),
    status: 200,
    verdict: true,
    code: 'nonce_reused',
  },
  {
    name: 'rejects a replay with another Disclosure set over the same nonce',
    request: (f) =>
      replay(f, async (first) => {
        const nonce = (
          JSON.parse(Buffer.from(first.slice(first.lastIndexOf('~') + 1).split('.')[1]!, 'base64url').toString()) as { nonce: string }
        ).nonce;
        return present(f, { disclosures: [disclosureOf(f, 'family_name')], kb: { payload: { nonce } } });
      }),
    status: 200,
    verdict: true,
    code: 'nonce_reused',
  },
  // Status.
  {
    name: 'says a revoked credential is revoked',
    request: (f) => withStatus(f, 'revoke'),
    status: 200,
    verdict: true,
    code: 'credential_revoked',
  },
  {
    name: 'says a suspended credential is suspended',
    request: (f) => withStatus(f, 'suspend'),
    status: 200,
    verdict: true,
    code: 'credential_suspended',
  },
  statusRef('gives no valid verdict for a status list of ours that does not exist', 'status_list_unreachable', (f) => ({
    status_list: { idx: 0, uri: `${f.issuer}/status/no-such-list` },
  })),
  statusRef('gives no valid verdict for an index outside the list', 'status_index_out_of_range', (f) => ({
    status_list: { idx: 2 ** 40, uri: (credentialParts(f).payload.status as { status_list: { uri: string } }).status_list.uri },
  })),
  statusRef('rejects a status reference with a negative index', 'sd_jwt_vc_status_invalid', (f) => ({
    status_list: { idx: -1, uri: `${f.issuer}/status/x` },
  })),
  statusRef('rejects a status reference that is a string', 'sd_jwt_vc_status_invalid', (f) => `${f.issuer}/status/x`),
  // direct_post (OpenID4VP §8.2): state and expiry are checked before anything is taken.
  {
    name: 'direct_post: refuses an unknown state',
    request: () => directPost({ vp_token: '{}', state: 'A'.repeat(22) }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses a malformed state',
    request: () => directPost({ vp_token: '{}', state: "' OR 1=1 --" }),
    status: 400,
    code: 'invalid_request',
  },
  { name: 'direct_post: refuses a missing state', request: () => directPost({ vp_token: '{}' }), status: 400, code: 'invalid_request' },
  {
    name: 'direct_post: refuses state given twice',
    request: async (f) => {
      const r = await verifierRequest(f);
      return directPost(`vp_token=%7B%7D&state=${r.state}&state=${r.state}`);
    },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses an answer after the request expired',
    request: async (f) => {
      const r = await verifierRequest(f);
      await f.t.runtime.store.db
        .updateTable('verifier_requests')
        .set({ expires_at: Date.now() - 1000 })
        .where('id', '=', r.id)
        .execute();
      return directPost({ vp_token: vpToken(await present(f)), state: r.state });
    },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses a second answer to a request',
    request: async (f) => {
      const r = await verifierRequest(f);
      assert.equal((await f.t.app.inject(directPost({ error: 'access_denied', state: r.state }))).statusCode, 200);
      return directPost({ vp_token: vpToken(await present(f)), state: r.state });
    },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses a JSON body',
    request: async (f) => {
      const r = await verifierRequest(f);
      return { method: 'POST', url: '/openid4vp/response', payload: { vp_token: '{}', state: r.state } };
    },
    // As any body in a media type direct_post does not read (text/plain): 415, OAuth-shaped.
    status: 415,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses a vp_token that is not JSON (the request stays open)',
    request: async (f) => directPost({ vp_token: 'eyJ.not.json', state: (await verifierRequest(f)).state }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses a vp_token that is a JSON array',
    request: async (f) => directPost({ vp_token: JSON.stringify([await present(f)]), state: (await verifierRequest(f)).state }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direct_post: refuses a vp_token with duplicate keys',
    request: async (f) => directPost({ vp_token: '{"licence":"a","licence":"b"}', state: (await verifierRequest(f)).state }),
    status: 400,
    code: 'invalid_request',
  },
  // direct_post with a presentation that fails: the request is answered "rejected".
  {
    name: 'direct_post: rejects a KB-JWT nonce that is not the request nonce',
    request: (f) => answer(f, () => ({ payload: { nonce: randomNonce() } })),
    status: 200,
    directPost: true,
    code: 'kb_jwt_nonce_mismatch',
    changes: { verification_receipts: { added: 1 } },
  },
  {
    name: 'direct_post: rejects a KB-JWT for another verifier',
    request: (f) => answer(f, (req) => ({ payload: { nonce: req.nonce, aud: 'decentralized_identifier:did:web:other.example' } })),
    status: 200,
    directPost: true,
    code: 'kb_jwt_aud_mismatch',
    changes: { verification_receipts: { added: 1 } },
  },
  {
    name: 'direct_post: rejects a counter presentation (wallet nonce) sent to a request',
    request: (f) => answer(f, () => ({})),
    status: 200,
    directPost: true,
    code: 'kb_jwt_nonce_mismatch',
    changes: { verification_receipts: { added: 1 } },
  },
  {
    name: 'direct_post: rejects a vp_token for a query that was not asked',
    request: async (f) => {
      const r = await verifierRequest(f);
      return directPost({ vp_token: JSON.stringify({ other: 'x' }), state: r.state });
    },
    status: 200,
    directPost: true,
    code: 'vp_token_unknown_query',
  },
  {
    name: 'direct_post: rejects 50,000 Disclosures without processing them',
    request: async (f) =>
      directPost({ vp_token: vpToken(`${credentialParts(f).jwt}~${'A~'.repeat(50_000)}`), state: (await verifierRequest(f)).state }),
    status: 200,
    directPost: true,
    code: 'sd_jwt_too_many_disclosures',
    changes: { verification_receipts: { added: 1 } },
  },
  {
    name: 'direct_post: rejects two presentations where one was asked',
    request: async (f) => {
      const r = await verifierRequest(f);
      return directPost({ vp_token: JSON.stringify({ licence: ['a~', 'b~'] }), state: r.state });
    },
    status: 200,
    directPost: true,
    code: 'vp_token_wrong_count',
  },
];

runSecurityCases('Presentations (verifier)', cases, {
  extra: (fixture) => {
    it('returns only the asked claims when the wallet disclosed more', async () => {
      const f = fixture();
      const res = await injectWithTimeout(f, counter(f, await present(f), { claims: ['age_over_19'] }));
      const { body } = answerCode(res);
      assert.equal(res.statusCode, 200);
      assert.equal(body.verdict, 'verified', res.body);
      assert.deepEqual(Object.keys(body.claims as object), ['age_over_19']);
      const receipt = await f.t.runtime.store.db
        .selectFrom('verification_receipts')
        .selectAll()
        .orderBy('at', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(receipt.claim_names), ['age_over_19']);
      assert.ok(!b64json(receipt).includes('Kim'), 'no claim value in the receipt');
    });
  },
});
