/**
 * SECURITY.md "HTTP", Unicode: Hangul in NFC vs NFD, zero-width and right-to-left characters
 * are compared as bytes: never normalised into a match, never stripped into one.
 */
import { counter, credentialParts, disclosure, history, historyToken, present, reissue, type SecurityCase } from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';
import type { ExpectedChanges } from './support/state-snapshot.js';
import { codeOf, makeOffer, PRE_AUTH } from '../openid4vci/vci-helpers.js';

const NAME_NFC = '성명'.normalize('NFC');
const NAME_NFD = NAME_NFC.normalize('NFD');
const ZW = '\u200b';
const RLO = '\u202e';
const CONSUMED: ExpectedChanges = { consumed_nonces: { added: 1 } };

/** The fixture credential re-signed with a plain Hangul claim (NFC) added. */
const hangulCredential = (f: SecurityFixture) =>
  reissue(f, (_h, p) => {
    p[NAME_NFC] = '김민준';
  });
const withHeaderValue =
  (name: string, header: (f: SecurityFixture) => Record<string, unknown>): SecurityCase['request'] =>
  async (f) =>
    counter(f, await present(f, { jwt: await reissue(f, (h) => Object.assign(h, header(f))) }));
const verdict = (name: string, code: string, request: SecurityCase['request'], changes: ExpectedChanges = {}): SecurityCase => ({
  name,
  request,
  status: 200,
  verdict: true,
  code,
  changes,
});
const issue = (f: SecurityFixture, type: string) => ({
  method: 'POST' as const,
  url: '/v1/credentials',
  headers: { authorization: `Bearer ${f.keys.issuer}` },
  payload: { type, claims: f.t.runtime.catalog.get('driver-license')!.example },
});

const cases: SecurityCase[] = [
  verdict(
    'does not match a policy claim in NFD against a claim in NFC',
    'claim_missing',
    async (f) => counter(f, await present(f, { jwt: await hangulCredential(f) }), { claims: [NAME_NFD] }),
    CONSUMED,
  ),
  verdict(
    'does not match a policy claim with a zero-width space',
    'claim_missing',
    async (f) => counter(f, await present(f), { claims: [`age_over${ZW}_19`] }),
    CONSUMED,
  ),
  verdict(
    'does not match a policy claim with a right-to-left override',
    'claim_missing',
    async (f) => counter(f, await present(f), { claims: [`${RLO}age_over_19`] }),
    CONSUMED,
  ),
  verdict(
    'does not match a policy type with a zero-width joiner',
    'type_not_accepted',
    async (f) => counter(f, await present(f), { types: ['driver\u200d-license'] }),
    CONSUMED,
  ),
  verdict(
    'does not match a policy type in full-width letters',
    'type_not_accepted',
    async (f) => counter(f, await present(f), { types: ['ｄｒｉｖｅｒ-license'] }),
    CONSUMED,
  ),
  verdict(
    'does not match a policy issuer with a trailing zero-width space',
    'issuer_not_accepted',
    async (f) => counter(f, await present(f), { issuers: [`${f.issuer}${ZW}`] }),
    CONSUMED,
  ),
  verdict(
    'rejects a Disclosure in NFD that shadows nothing: asked in NFC, only the plain NFC claim is returned',
    'claim_missing',
    async (f) => {
      const d = disclosure(['salt-salt-salt-salt', NAME_NFD, 'Mallory']);
      const jwt = await reissue(f, (_h, p) => {
        (p._sd as string[]).push(d.digest);
      });
      return counter(f, await present(f, { jwt, disclosures: [...credentialParts(f).disclosures, d.encoded] }), { claims: [NAME_NFC] });
    },
    CONSUMED,
  ),
  verdict(
    'rejects typ with a zero-width space',
    'sd_jwt_vc_bad_typ',
    withHeaderValue('typ', () => ({ typ: `dc+sd-jwt${ZW}` })),
  ),
  verdict(
    'rejects alg with a Cyrillic Е',
    'jws_alg_not_allowed',
    withHeaderValue('alg', () => ({ alg: '\u0415S256' })),
  ),
  verdict(
    'rejects alg in full-width letters',
    'jws_alg_not_allowed',
    withHeaderValue('alg', () => ({ alg: 'ＥＳ２５６' })),
  ),
  verdict(
    'rejects a kid with a zero-width space',
    'jws_key_not_found',
    withHeaderValue('kid', (f) => ({ kid: `${f.issuerSigner.kid}${ZW}` })),
  ),
  verdict(
    'rejects a kid with a right-to-left override',
    'jws_key_not_found',
    withHeaderValue('kid', (f) => ({ kid: `${RLO}${f.issuerSigner.kid}` })),
  ),
  verdict('rejects an iss with a zero-width space', 'untrusted_issuer', async (f) =>
    counter(
      f,
      await present(f, {
        jwt: await reissue(f, (_h, p) => {
          p.iss = `${f.issuer}${ZW}`;
        }),
      }),
    ),
  ),
  verdict('rejects an iss with Hangul in NFD in its path', 'untrusted_issuer', async (f) =>
    counter(
      f,
      await present(f, {
        jwt: await reissue(f, (_h, p) => {
          p.iss = `${f.issuer}/${NAME_NFD}`;
        }),
      }),
    ),
  ),
  verdict(
    'rejects a vct with a zero-width space when the policy asks for the type',
    'type_not_accepted',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (_h, p) => {
            p.vct = `${String(p.vct)}${ZW}`;
          }),
        }),
        { types: ['driver-license'] },
      ),
    CONSUMED,
  ),
  verdict('rejects a KB-JWT aud with a zero-width space', 'kb_jwt_aud_mismatch', async (f) =>
    counter(f, await present(f, { kb: { payload: { aud: `${f.aud}${ZW}` } } })),
  ),
  verdict('rejects a KB-JWT aud with a right-to-left override', 'kb_jwt_aud_mismatch', async (f) =>
    counter(f, await present(f, { kb: { payload: { aud: `${RLO}${f.aud}` } } })),
  ),
  verdict('rejects a counter nonce with a zero-width space', 'nonce_invalid', async (f) =>
    counter(f, await present(f, { kb: { payload: { nonce: `abcdefghijklmnopqrstuv${ZW}` } } })),
  ),
  verdict('rejects a counter nonce in Hangul', 'nonce_invalid', async (f) =>
    counter(f, await present(f, { kb: { payload: { nonce: '가'.repeat(30) } } })),
  ),
  {
    name: 'refuses a credential type id with a zero-width space',
    request: (f) => issue(f, `driver${ZW}-license`),
    status: 400,
    code: 'unknown_credential_type',
  },
  {
    name: 'refuses a credential type id in Hangul NFD',
    request: (f) => issue(f, '운전면허'.normalize('NFD')),
    status: 400,
    code: 'unknown_credential_type',
  },
  {
    name: 'refuses an API key with a zero-width space',
    request: (f) => ({ method: 'GET', url: '/v1/credentials', headers: { authorization: `Bearer ${f.keys.issuer}${ZW}` } }),
    status: 401,
    code: 'invalid_api_key',
  },
  {
    name: 'refuses a direct_post state in Hangul',
    request: () => ({
      method: 'POST',
      url: '/openid4vp/response',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `vp_token=%7B%7D&state=${encodeURIComponent('가'.repeat(22))}`,
    }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'refuses a tx_code in full-width digits (never normalised into a match; not a code, so no attempt counted)',
    request: async (f) => {
      const o = await makeOffer(f.t, f.keys.issuer, {
        type: 'resident-id',
        claims: f.t.runtime.catalog.get('resident-id')!.example,
        tx_code: true,
      });
      const full = [...o.tx_code!].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
      return {
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(f.t, o), tx_code: full }).toString(),
      };
    },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'history: refuses a jti with a zero-width space',
    request: async (f) => history(await historyToken(f, { payload: { jti: `abcdefghijklmnopqrstuvwxyz${ZW}` } })),
    status: 401,
    code: 'history_token_jti_invalid',
  },
  {
    name: 'history: refuses an aud with Hangul in NFD',
    request: async (f) => history(await historyToken(f, { payload: { aud: `${f.issuer}/v1/wallet/history/${NAME_NFD}` } })),
    status: 401,
    code: 'history_token_aud_mismatch',
  },
];

runSecurityCases('Unicode', cases);
