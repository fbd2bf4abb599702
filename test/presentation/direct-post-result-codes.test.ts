/**
 * What a verifier reads back when an OpenID4VP answer is not a verified presentation: the wallet's
 * own refusal (OpenID4VP 1.0 §8.5) as an explicit `wallet_*` code, a vp_token that does not meet
 * the query's credential_sets, and the refusals of the verifier and holder-history reads.
 */
import { clerkMessageForCode } from '../../src/verdict/clerk-messages.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { generateHolderKey, issueViaApi, nowSeconds, verifierId } from './helpers.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { HISTORY_TYP } from '../../src/presentation/list-holder-history.js';
import { REQUEST_REFUSALS } from '../../src/presentation/request-refusals.js';

interface RequestView {
  status: string;
  result?: { verdict: string; code: string; wallet_error?: string; verdict_message: { ko: string; en: string } };
}

describe('direct_post answers that are not verified', () => {
  let t: TestApp;
  let verifierKey: string;
  let issuerKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    verifierKey = await t.apiKey('verifier');
    issuerKey = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  const createRequest = async (dcql_query: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/verifier/requests',
      headers: { authorization: `Bearer ${verifierKey}` },
      payload: { dcql_query },
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json<{ id: string }>().id;
    const row = await t.runtime.store.db
      .selectFrom('verifier_requests')
      .select(['state', 'nonce'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { id, ...row };
  };
  const licenceQuery = () => ({
    credentials: [
      {
        id: 'licence',
        format: 'dc+sd-jwt',
        meta: { vct_values: [t.runtime.catalog.get('driver-license')!.vct] },
        claims: [{ path: ['age_over_19'] }],
      },
    ],
  });
  const directPost = (form: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/openid4vp/response',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
  const read = async (id: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/verifier/requests/${id}`,
      headers: { authorization: `Bearer ${verifierKey}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<RequestView>();
  };

  /** A driver licence of a fresh holder, presented (age_over_19) to our verifier with `nonce`. */
  const licencePresentation = async (nonce: string) => {
    const holder = await generateHolderKey();
    const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder);
    const aud = await verifierId(t.app);
    const p = await createHolderPresentation({
      credential,
      disclose: ['age_over_19'],
      holderSigner: holder.signer,
      aud,
      nonce,
      iat: nowSeconds(),
    });
    return p.presentation;
  };

  const WALLET_ERRORS: [string, string][] = [
    ['access_denied', 'wallet_access_denied'],
    ['invalid_request', 'wallet_invalid_request'],
    ['invalid_client', 'wallet_invalid_client'],
    ['invalid_scope', 'wallet_invalid_scope'],
    ['vp_formats_not_supported', 'wallet_vp_formats_not_supported'],
    ['invalid_request_uri_method', 'wallet_invalid_request_uri_method'],
    ['invalid_transaction_data', 'wallet_invalid_transaction_data'],
    ['wallet_unavailable', 'wallet_wallet_unavailable'],
    ['server_error', 'wallet_error'],
    ['Not-An-Error!', 'wallet_error'],
  ];
  for (const [error, code] of WALLET_ERRORS) {
    it(`records a wallet's "${error}" as ${code}, rejected, with the wallet's error kept`, async () => {
      const req = await createRequest(licenceQuery());
      const res = await directPost({ error, state: req.state });
      assert.equal(res.statusCode, 200, res.body);
      const view = await read(req.id);
      assert.equal(view.status, 'rejected');
      assert.equal(view.result?.verdict, 'rejected');
      assert.equal(view.result?.code, code);
      assert.equal(view.result?.wallet_error, error);
    });
  }

  it('rejects a verified presentation that leaves a required credential set unanswered (vp_token_incomplete)', async () => {
    const vct = t.runtime.catalog.get('driver-license')!.vct;
    const req = await createRequest({
      credentials: [
        { id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['age_over_19'] }] },
        { id: 'second', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['family_name'] }] },
      ],
      credential_sets: [{ options: [['licence', 'second']] }],
    });
    const presentation = await licencePresentation(req.nonce);
    const res = await directPost({ vp_token: JSON.stringify({ licence: [presentation] }), state: req.state });
    assert.equal(res.statusCode, 200, res.body);
    const view = await read(req.id);
    assert.equal(view.result?.verdict, 'rejected');
    assert.equal(view.result?.code, 'vp_token_incomplete');
    // The clerk is told why, not only that something failed.
    assert.deepEqual(view.result?.verdict_message, clerkMessageForCode('vp_token_incomplete'));
    assert.match(view.result!.verdict_message.en, /Not every credential that was asked for/);
  });

  it('rejects a credential query answered with a bare presentation instead of an array of them (vp_token_not_array, §8.1)', async () => {
    const req = await createRequest(licenceQuery());
    const presentation = await licencePresentation(req.nonce);
    const res = await directPost({ vp_token: JSON.stringify({ licence: presentation }), state: req.state });
    assert.equal(res.statusCode, 200, res.body);
    const view = await read(req.id);
    assert.equal(view.result?.verdict, 'rejected');
    assert.equal(view.result?.code, 'vp_token_not_array');
    assert.deepEqual(view.result?.verdict_message, clerkMessageForCode('vp_token_not_array'));
  });

  it('names each fault of the answer by its own code and sentence: a presentation that is not a string, one too many, an unasked query', async () => {
    const cases: [string, (p: string) => unknown, RegExp][] = [
      ['vp_token_not_string', () => ({ licence: [{ a: 1 }] }), /not in the expected form/],
      ['vp_token_wrong_count', (p) => ({ licence: [p, p] }), /more or fewer credentials/],
      ['vp_token_wrong_count', () => ({ licence: [] }), /more or fewer credentials/],
      ['vp_token_unknown_query', (p) => ({ licence: [p], other: [p] }), /not asked for/],
    ];
    for (const [code, vpToken, sentence] of cases) {
      const req = await createRequest(licenceQuery());
      const presentation = await licencePresentation(req.nonce);
      const res = await directPost({ vp_token: JSON.stringify(vpToken(presentation)), state: req.state });
      assert.equal(res.statusCode, 200, res.body);
      const view = await read(req.id);
      assert.equal(view.result?.code, code, JSON.stringify(vpToken('p')));
      assert.match(view.result!.verdict_message.en, sentence);
      assert.doesNotMatch(view.result!.verdict_message.ko, /[A-Za-z_]{4,}/, 'no codes or English in the Korean sentence');
    }
  });

  it("a presentation's own failure gives the answer that presentation's sentence", async () => {
    const req = await createRequest(licenceQuery());
    const presentation = await licencePresentation('another-nonce-for-another-request');
    const res = await directPost({ vp_token: JSON.stringify({ licence: [presentation] }), state: req.state });
    assert.equal(res.statusCode, 200, res.body);
    const view = await read(req.id);
    assert.equal(view.result?.code, 'kb_jwt_nonce_mismatch');
    assert.deepEqual(view.result?.verdict_message, clerkMessageForCode('kb_jwt_nonce_mismatch'));
  });

  it('a rejected answer hands over no claim values, not even from a presentation that verified on its own, and its receipt says so', async () => {
    const req = await createRequest(licenceQuery());
    const presentation = await licencePresentation(req.nonce);
    // The right credential, beside a query id that was never asked: rejected as a whole.
    const res = await directPost({ vp_token: JSON.stringify({ licence: [presentation], other: [presentation] }), state: req.state });
    assert.equal(res.statusCode, 200, res.body);
    const view = (await read(req.id)) as RequestView & {
      result: { credentials: Record<string, { verdict: string; claims?: unknown }[]>; receipts: string[] };
    };
    assert.equal(view.result.verdict, 'rejected');
    assert.equal(view.result.code, 'vp_token_unknown_query');
    const [entry] = view.result.credentials.licence ?? [];
    assert.equal(entry?.verdict, 'verified', 'the presentation itself verified');
    assert.equal(entry?.claims, undefined, 'but its claims are not handed over');
    assert.ok(!JSON.stringify(view.result).includes('age_over_19":true'));
    assert.equal(view.result.receipts.length, 1);
    const receipt = JSON.parse(Buffer.from(view.result.receipts[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(receipt.verdict, 'rejected');
    assert.equal(receipt.code, 'vp_token_unknown_query');
    assert.deepEqual(receipt.claims, []);
  });

  it('an answer carrying both error and vp_token is refused 400, and the request stays open for the real answer', async () => {
    const req = await createRequest(licenceQuery());
    const presentation = await licencePresentation(req.nonce);
    for (const lang of ['en', 'ko']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': lang },
        payload: new URLSearchParams({
          error: 'access_denied',
          vp_token: JSON.stringify({ licence: [presentation] }),
          state: req.state,
        }).toString(),
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ error: string }>().error, 'invalid_request');
      assert.equal(res.json<{ error_description: string }>().error_description, REQUEST_REFUSALS.errorAndVpToken[lang as 'en' | 'ko']);
    }
    assert.equal((await read(req.id)).status, 'pending');
    const ok = await directPost({ vp_token: JSON.stringify({ licence: [presentation] }), state: req.state });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await read(req.id)).result?.verdict, 'verified');
  });

  it('a vp_token whose JSON I-JSON refuses (a number out of range, a lone surrogate) is refused 400 and changes nothing', async () => {
    const req = await createRequest(licenceQuery());
    for (const vp_token of ['{"licence":[1e400]}', '{"licence":[1e-400]}', '{"licence":["\\ud800"]}']) {
      const res = await directPost({ vp_token, state: req.state });
      assert.equal(res.statusCode, 400, `${vp_token}: ${res.body}`);
      assert.equal(res.json<{ error: string }>().error, 'invalid_request');
    }
    assert.equal((await read(req.id)).status, 'pending');
  });

  it('says in Korean why an answer is refused: unknown state, malformed state, already answered', async () => {
    const ko = (form: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'ko-KR' },
        payload: new URLSearchParams(form).toString(),
      });
    const said = async (form: Record<string, string>) => {
      const res = await ko(form);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.headers['content-language'], 'ko');
      return res.json<{ error: string; error_description: string }>();
    };
    assert.equal((await said({ state: 'A'.repeat(22), vp_token: '{}' })).error_description, REQUEST_REFUSALS.stateUnknown.ko);
    assert.equal((await said({ state: 'short', vp_token: '{}' })).error_description, REQUEST_REFUSALS.stateMalformed.ko);
    const answered = await createRequest(licenceQuery());
    assert.equal((await directPost({ error: 'access_denied', state: answered.state })).statusCode, 200);
    const again = await said({ error: 'access_denied', state: answered.state });
    assert.equal(again.error, 'invalid_request');
    assert.equal(again.error_description, REQUEST_REFUSALS.answered.ko);
  });

  it('reading a request that does not exist answers 404 request_not_found', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/verifier/requests/no-such-request',
      headers: { authorization: `Bearer ${verifierKey}` },
    });
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json().code, 'request_not_found');
  });

  it('a request past VERIFIER_RESULT_RETENTION_SECONDS reads as 404 request_not_found before the purge timer deletes it', async () => {
    const { id } = await createRequest(licenceQuery());
    const get = () =>
      t.app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${verifierKey}` } });
    assert.equal((await get()).statusCode, 200);
    t.clock.advance((t.config.verifierRequestTtlSeconds + t.config.verifierResultRetentionSeconds) * 1000);
    const res = await get();
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json().code, 'request_not_found');
    // Still stored: the read did not depend on a DELETE.
    assert.ok(await t.runtime.store.verifierRequests.get(id));
  });

  it('a history token without the holder jwk in its header answers 401 history_token_invalid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ aud: `${t.config.publicUrl}/v1/wallet/history`, jti: 'a'.repeat(32) })
      .setProtectedHeader({ alg: 'ES256', typ: HISTORY_TYP })
      .setIssuedAt()
      .sign(privateKey);
    const res = await t.app.inject({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.statusCode, 401, res.body);
    assert.equal(res.json().code, 'history_token_invalid');
  });
});

// Its own app: it moves the clock past a request's lifetime, which would age every KB-JWT above.
describe('an answer to an expired request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is refused 400 invalid_request, saying so in Korean', async () => {
    const verifierKey = await t.apiKey('verifier');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/verifier/requests',
      headers: { authorization: `Bearer ${verifierKey}` },
      payload: {
        dcql_query: {
          credentials: [
            {
              id: 'licence',
              format: 'dc+sd-jwt',
              meta: { vct_values: [t.runtime.catalog.get('driver-license')!.vct] },
              claims: [{ path: ['age_over_19'] }],
            },
          ],
        },
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { state } = await t.runtime.store.db
      .selectFrom('verifier_requests')
      .select(['state'])
      .where('id', '=', res.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    t.clock.advance((t.runtime.config.verifierRequestTtlSeconds + 1) * 1000);
    const late = await t.app.inject({
      method: 'POST',
      url: '/openid4vp/response',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'ko' },
      payload: new URLSearchParams({ error: 'access_denied', state }).toString(),
    });
    assert.equal(late.statusCode, 400, late.body);
    assert.equal(late.json<{ error: string }>().error, 'invalid_request');
    assert.equal(late.json<{ error_description: string }>().error_description, REQUEST_REFUSALS.expired.ko);
  });
});
