/**
 * OpenID4VCI / OAuth refusals say why in Korean as they do in English: a reader who prefers Korean
 * gets the refusal's own sentence (AppError `ko`), not the one catalogue sentence of its code, so
 * a missing redirect_uri and a wrong content type are no longer the same `invalid_request`, and
 * a used pre-authorized code is not told it might be unknown. The code, the status and the English
 * stay as they were.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ERROR_CATALOGUE, errorEntry, type ErrorCode } from '../../src/errors.js';
import { AVOIDED_KOREAN } from '../../src/verdict/glossary.js';
import { accessToken, codeOf, expireOffer, holderKey, makeOffer, nonce, PRE_AUTH, proof, type Offer } from '../openid4vci/vci-helpers.js';

const HANGUL = /[가-힣]/;
const KOREAN = 'ko-KR,ko;q=0.9,en;q=0.5';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** One refusal: the request (built fresh for each language, so a stateful refusal is met twice), and what it says in English. */
interface Row {
  name: string;
  status: number;
  error: ErrorCode;
  en: string | RegExp;
  send(t: TestApp, language: string | undefined): Promise<LightMyRequestResponse>;
}

const withLanguage = (language: string | undefined): Record<string, string> => (language ? { 'accept-language': language } : {});

const form = (
  t: TestApp,
  url: string,
  fields: Record<string, string>,
  language: string | undefined,
  headers: Record<string, string> = {},
) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...withLanguage(language), ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

const json = (t: TestApp, url: string, body: unknown, token: string | undefined, language: string | undefined) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...withLanguage(language),
    },
    payload: JSON.stringify(body),
  });

const offerOf = (t: TestApp, extra: Record<string, unknown> = {}): Promise<Offer> =>
  makeOffer(t, issuerKey, { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')!.example, ...extra });
let issuerKey = '';

const token = (t: TestApp, fields: Record<string, string>, language: string | undefined) => form(t, '/oauth/token', fields, language);
const par = (t: TestApp, fields: Record<string, string>, language: string | undefined) =>
  form(
    t,
    '/oauth/par',
    { client_id: 'wallet-1', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...fields },
    language,
  );

const ROWS: Row[] = [
  {
    name: 'token: no grant_type',
    status: 400,
    error: 'invalid_request',
    en: 'grant_type is required',
    send: (t, l) => token(t, { 'pre-authorized_code': 'x' }, l),
  },
  {
    name: 'token: a grant not offered',
    status: 400,
    error: 'unsupported_grant_type',
    en: `this issuer takes grant_type ${PRE_AUTH}, authorization_code`,
    send: (t, l) => token(t, { grant_type: 'password' }, l),
  },
  {
    name: 'token: not a form',
    status: 400,
    error: 'invalid_request',
    en: 'send the body as application/x-www-form-urlencoded',
    send: (t, l) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/json', ...withLanguage(l) },
        payload: JSON.stringify({ grant_type: PRE_AUTH }),
      }),
  },
  {
    name: 'token: no pre-authorized code',
    status: 400,
    error: 'invalid_request',
    en: 'pre-authorized_code is required',
    send: (t, l) => token(t, { grant_type: PRE_AUTH }, l),
  },
  {
    name: 'token: unknown code',
    status: 400,
    error: 'invalid_grant',
    en: 'the pre-authorized code is unknown',
    send: (t, l) => token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': 'no-such-code' }, l),
  },
  {
    name: 'token: used code',
    status: 400,
    error: 'invalid_grant',
    en: 'the pre-authorized code was already used',
    send: async (t, l) => {
      const code = await codeOf(t, await offerOf(t));
      assert.equal((await token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code }, undefined)).statusCode, 200);
      return token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code }, l);
    },
  },
  {
    name: 'token: expired code',
    status: 400,
    error: 'invalid_grant',
    en: 'the pre-authorized code has expired',
    send: async (t, l) => {
      const o = await offerOf(t);
      const code = await codeOf(t, o);
      await expireOffer(t, o);
      return token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code }, l);
    },
  },
  {
    name: 'token: wrong tx_code',
    status: 400,
    error: 'invalid_grant',
    en: 'the tx_code is wrong; 4 attempt(s) left',
    send: async (t, l) => {
      const o = await offerOf(t, { tx_code: true });
      const wrong = o.tx_code === '000000' ? '111111' : '000000';
      return token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, o), tx_code: wrong }, l);
    },
  },
  {
    name: 'token: tx_code missing',
    status: 400,
    error: 'invalid_request',
    en: 'tx_code is required for this offer',
    send: async (t, l) =>
      token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, await offerOf(t, { tx_code: true })) }, l),
  },
  {
    name: 'token: tx_code not expected',
    status: 400,
    error: 'invalid_request',
    en: 'this offer does not use a tx_code',
    send: async (t, l) =>
      token(t, { grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, await offerOf(t)), tx_code: '123456' }, l),
  },
  {
    name: 'token: authorization code grant without a code',
    status: 400,
    error: 'invalid_request',
    en: 'code is required',
    send: (t, l) =>
      token(t, { grant_type: 'authorization_code', code_verifier: 'v'.repeat(43), redirect_uri: 'https://wallet.example/cb' }, l),
  },
  {
    name: 'token: a DPoP header that is no JWT',
    status: 400,
    error: 'invalid_dpop_proof',
    en: 'the DPoP proof is not a well-formed JWT',
    send: (t, l) => form(t, '/oauth/token', { grant_type: PRE_AUTH, 'pre-authorized_code': 'x' }, l, { dpop: 'not-a-jwt' }),
  },
  {
    name: 'credential: no access token',
    status: 401,
    error: 'invalid_token',
    en: 'send the access token as Authorization: Bearer or DPoP',
    send: (t, l) => json(t, '/openid4vci/credential', { credential_configuration_id: 'resident-id' }, undefined, l),
  },
  {
    name: 'credential: unknown access token',
    status: 401,
    error: 'invalid_token',
    en: 'the access token is unknown or expired',
    send: (t, l) => json(t, '/openid4vci/credential', { credential_configuration_id: 'resident-id' }, 'no-such-token', l),
  },
  {
    name: 'credential: access token in the URL',
    status: 400,
    error: 'invalid_request',
    en: 'send the access token in the Authorization header, never in the URL',
    send: (t, l) => json(t, '/openid4vci/credential?access_token=abc', {}, 'abc', l),
  },
  {
    name: 'credential: no proofs',
    status: 400,
    error: 'invalid_proof',
    en: 'proofs is required for this credential configuration',
    send: async (t, l) =>
      json(t, '/openid4vci/credential', { credential_configuration_id: 'resident-id' }, await accessToken(t, await offerOf(t)), l),
  },
  {
    name: 'credential: a proof for another audience',
    status: 400,
    error: 'invalid_proof',
    en: 'proof aud must be the credential issuer identifier',
    send: async (t, l) => {
      const jwt = await proof(holderKey(), { aud: 'https://elsewhere.example', nonce: await nonce(t) });
      return json(
        t,
        '/openid4vci/credential',
        { credential_configuration_id: 'resident-id', proofs: { jwt: [jwt] } },
        await accessToken(t, await offerOf(t)),
        l,
      );
    },
  },
  {
    name: 'credential: a proof with a c_nonce never handed out',
    status: 400,
    error: 'invalid_nonce',
    en: 'a proof carries an unknown, expired or used c_nonce; get a new one',
    send: async (t, l) => {
      const jwt = await proof(holderKey(), { aud: t.config.publicUrl, nonce: 'not-a-c-nonce-of-ours' });
      return json(
        t,
        '/openid4vci/credential',
        { credential_configuration_id: 'resident-id', proofs: { jwt: [jwt] } },
        await accessToken(t, await offerOf(t)),
        l,
      );
    },
  },
  {
    name: 'credential: unknown configuration',
    status: 400,
    error: 'unknown_credential_configuration',
    en: 'no such credential configuration',
    send: async (t, l) =>
      json(
        t,
        '/openid4vci/credential',
        { credential_configuration_id: 'no-such-configuration' },
        await accessToken(t, await offerOf(t)),
        l,
      ),
  },
  {
    name: 'credential: configuration id not a string',
    status: 400,
    error: 'invalid_credential_request',
    en: 'credential_configuration_id must be a string',
    send: async (t, l) => json(t, '/openid4vci/credential', { credential_configuration_id: 7 }, await accessToken(t, await offerOf(t)), l),
  },
  {
    name: 'deferred: no transaction_id',
    status: 400,
    error: 'invalid_credential_request',
    en: 'transaction_id is required',
    send: (t, l) => json(t, '/openid4vci/deferred-credential', {}, 'some-token', l),
  },
  {
    name: 'deferred: unknown transaction_id',
    status: 400,
    error: 'invalid_transaction_id',
    en: 'the transaction_id is unknown, expired or was already used',
    send: (t, l) => json(t, '/openid4vci/deferred-credential', { transaction_id: 'no-such-transaction' }, 'some-token', l),
  },
  {
    name: 'notification: unknown event',
    status: 400,
    error: 'invalid_notification_request',
    en: /^event must be one of credential_accepted/,
    send: async (t, l) =>
      json(t, '/openid4vci/notification', { notification_id: 'n-1', event: 'credential_lost' }, await accessToken(t, await offerOf(t)), l),
  },
  {
    name: 'notification: unknown notification_id',
    status: 400,
    error: 'invalid_notification_id',
    en: 'the notification_id is unknown, expired or not for this access token',
    send: async (t, l) =>
      json(
        t,
        '/openid4vci/notification',
        { notification_id: 'n-1', event: 'credential_accepted' },
        await accessToken(t, await offerOf(t)),
        l,
      ),
  },
  {
    name: 'PAR: no redirect_uri',
    status: 400,
    error: 'invalid_request',
    en: 'redirect_uri is required',
    send: (t, l) => par(t, { scope: 'resident-id' }, l),
  },
  {
    name: 'PAR: a redirect_uri over 2048 characters',
    status: 400,
    error: 'invalid_request',
    en: 'redirect_uri is longer than 2048 characters',
    send: (t, l) => par(t, { scope: 'resident-id', redirect_uri: `https://wallet.example/${'a'.repeat(2048)}` }, l),
  },
  {
    name: 'PAR: a client_id over 255 characters',
    status: 400,
    error: 'invalid_request',
    en: 'client_id is longer than 255 characters',
    send: (t, l) => par(t, { client_id: 'w'.repeat(256), scope: 'resident-id', redirect_uri: 'https://wallet.example/cb' }, l),
  },
  {
    name: 'PAR: plain PKCE',
    status: 400,
    error: 'invalid_request',
    en: 'code_challenge_method must be S256 (plain is not accepted)',
    send: (t, l) => par(t, { code_challenge_method: 'plain', redirect_uri: 'https://wallet.example/cb' }, l),
  },
  {
    name: 'PAR: response_type token',
    status: 400,
    error: 'unsupported_response_type',
    en: 'response_type must be code',
    send: (t, l) => par(t, { response_type: 'token' }, l),
  },
  {
    name: 'PAR: a parameter twice',
    status: 400,
    error: 'invalid_request',
    en: 'client_id must be given exactly once',
    send: (t, l) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/par',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...withLanguage(l) },
        payload: 'client_id=wallet-1&client_id=wallet-2&response_type=code',
      }),
  },
  {
    name: 'authorize: unknown request_uri',
    status: 400,
    error: 'invalid_request_uri',
    en: 'the request_uri is unknown, already used or expired; push the request again',
    send: (t, l) =>
      t.app.inject({
        method: 'GET',
        url: `/oauth/authorize?client_id=wallet-1&request_uri=${encodeURIComponent('urn:ietf:params:oauth:request_uri:nothing')}`,
        headers: withLanguage(l),
      }),
  },
];

describe('OpenID4VCI / OAuth refusals say their own reason in Korean', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '0',
        // The Authorization Code Flow is on (PAR, authorize, the authorization_code grant); no
        // refusal below gets as far as the identity provider or the claims source.
        OIDC_ISSUER: 'https://login.agency.example',
        OIDC_CLIENT_ID: 'dproof',
        OIDC_CLIENT_SECRET: 'secret',
        CLAIMS_SOURCE_URL: 'https://backoffice.agency.example/claims',
        CLAIMS_SOURCE_SECRET: 'x'.repeat(32),
        CLAIMS_SOURCE_CLIENT: 'agency issuer',
      },
    });
    issuerKey = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  const codes = new Set(Object.keys(ERROR_CATALOGUE));
  const said = new Map<string, { name: string; en: string }>();

  for (const row of ROWS) {
    it(`${row.name}: ${row.error}, its own Korean sentence, the English unchanged`, async () => {
      const en = await row.send(t, undefined);
      assert.equal(en.statusCode, row.status, en.body);
      const english = en.json<{ error: string; error_description: string }>();
      assert.equal(english.error, row.error, en.body);
      if (typeof row.en === 'string') assert.equal(english.error_description, row.en);
      else assert.match(english.error_description, row.en);
      assert.equal(en.headers['content-language'], undefined);

      const ko = await row.send(t, KOREAN);
      assert.equal(ko.statusCode, row.status, ko.body);
      assert.equal(ko.headers['content-language'], 'ko');
      const korean = ko.json<{ error: string; error_description: string }>();
      assert.equal(korean.error, english.error);
      const sentence = korean.error_description;
      assert.match(sentence, HANGUL, ko.body);
      assert.match(sentence, /[.)]$/, sentence);
      assert.notEqual(sentence, errorEntry(row.error).ko, `${row.name}: still the catalogue's sentence for ${row.error}`);
      for (const { word } of AVOIDED_KOREAN) assert.ok(!sentence.includes(word), `${sentence} uses ${word}`);
      for (const name of sentence.match(/[a-z][a-z0-9]*(?:_[a-z0-9]+)+/g) ?? [])
        assert.ok(!codes.has(name), `${sentence} names the error code ${name}`);
      assert.doesNotMatch(sentence, /\b(is|must|the|send|not)\b/, `${sentence} is English`);

      // Another reason in English is another sentence in Korean.
      const before = said.get(sentence);
      assert.ok(before === undefined || before.en === english.error_description, `${row.name} says what ${before?.name} says: ${sentence}`);
      said.set(sentence, { name: row.name, en: english.error_description });
    });
  }

  it('covers at least 15 refusals, on the token, credential, deferred, notification and authorization endpoints', () => {
    assert.ok(ROWS.length >= 15);
    for (const prefix of ['token', 'credential', 'deferred', 'notification', 'PAR', 'authorize'])
      assert.ok(
        ROWS.some((r) => r.name.startsWith(`${prefix}:`)),
        prefix,
      );
  });
});
