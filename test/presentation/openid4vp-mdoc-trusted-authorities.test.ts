/**
 * DCQL `trusted_authorities` of type `aki` (OpenID4VP 1.0 §6.1.1.1, required by HAIP 1.0 §5) on
 * a real verifier, through real HTTP: an independent issuer and wallet (@auth0/mdl, in its own
 * worker) issue an mDL whose document signer certificate names its IACA by AuthorityKeyIdentifier
 * and answer our request. A matching aki verifies; another aki, or a chain without one, is
 * refused with `trusted_authority_mismatch`; types other than aki, dc+sd-jwt queries and bad
 * shapes are refused when the request is made.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  iacaKeyId,
  IndependentMdocParty,
  makeDeviceKey,
  makeDocumentSigner,
  makeIaca,
  MDL,
  MDL_NS,
  type Iaca,
} from '../formats/mdoc/mdoc-fixtures.js';

interface Credential {
  verdict: string;
  code: string;
  checks: { check: string; ok: boolean; code: string }[];
  claims?: Record<string, unknown>;
  message: { ko: string; en: string };
}

for (const backend of storeTargets()) {
  describe(`DCQL trusted_authorities (aki) for mso_mdoc on ${backend}`, () => {
    let t: TestApp;
    let verifierKey: string;
    let party: IndependentMdocParty;
    let iaca: Iaca;
    let otherIaca: Iaca;
    let device: Awaited<ReturnType<typeof makeDeviceKey>>;
    let withAki: string;
    let withoutAki: string;
    let otherWithAki: string;
    let dir: string;

    beforeAll(async () => {
      party = new IndependentMdocParty();
      [iaca, otherIaca, device] = await Promise.all([makeIaca('CN=Test IACA, C=KR'), makeIaca('CN=Other IACA, C=KR'), makeDeviceKey()]);
      dir = mkdtempSync(join(tmpdir(), 'dproof-aki-'));
      writeFileSync(join(dir, 'iaca.pem'), iaca.pem + otherIaca.pem);
      t = await startTestApp({
        store: backend,
        env: { PUBLIC_URL: 'https://verifier.example', TRUSTED_IACA_CERTS: join(dir, 'iaca.pem') },
      });
      verifierKey = await t.apiKey('verifier');
      const [dsAki, dsPlain, otherDs] = await Promise.all([
        makeDocumentSigner(iaca, { aki: true }),
        makeDocumentSigner(iaca),
        makeDocumentSigner(otherIaca, { aki: true }),
      ]);
      withAki = await party.issue({ ds: dsAki, deviceJwk: device.publicJwk });
      withoutAki = await party.issue({ ds: dsPlain, deviceJwk: device.publicJwk });
      otherWithAki = await party.issue({ ds: otherDs, deviceJwk: device.publicJwk });
    });
    afterAll(async () => {
      await party?.close();
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const query = (trusted_authorities: unknown, format = 'mso_mdoc') => ({
      credentials: [
        {
          id: 'mdl',
          format,
          meta: format === 'mso_mdoc' ? { doctype_value: MDL } : { vct_values: ['urn:x'] },
          claims: [{ path: format === 'mso_mdoc' ? [MDL_NS, 'family_name'] : ['family_name'] }],
          ...(trusted_authorities !== undefined && { trusted_authorities }),
        },
      ],
    });

    const createRequest = (dcql_query: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: { dcql_query },
      });

    /** Request with `trusted_authorities` → the independent wallet presents `mdoc` → this credential's entry in the result. */
    async function present(
      mdoc: string,
      trusted: unknown,
    ): Promise<{
      status: string;
      verdict: string;
      credential: Credential;
      holder: { code: string; message: { ko: string; en: string } } | undefined;
    }> {
      const res = await createRequest(query(trusted));
      assert.equal(res.statusCode, 201, res.body);
      const { id, request_uri } = res.json<{ id: string; request_uri: string }>();
      const ro = await t.app.inject({ method: 'GET', url: new URL(request_uri).pathname });
      const p = decodeJwt(ro.body) as { client_id: string; nonce: string; state: string; response_uri: string; dcql_query: unknown };
      // The wallet sees the query as asked (trusted_authorities included).
      assert.deepEqual(p.dcql_query, query(trusted));
      const vp = await party.present({
        mdoc,
        fields: [[MDL_NS, 'family_name']],
        deviceJwk: device.privateJwk,
        transcript: { clientId: p.client_id, nonce: p.nonce, responseUri: p.response_uri },
      });
      const answered = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ state: p.state, vp_token: JSON.stringify({ mdl: [vp] }) }).toString(),
      });
      assert.equal(answered.statusCode, 200, answered.body);
      const r = await t.app.inject({
        method: 'GET',
        url: `/v1/verifier/requests/${id}`,
        headers: { authorization: `Bearer ${verifierKey}` },
      });
      const result = r.json<{ result: { verdict: string; credentials: Record<string, Credential[]> } }>().result;
      const { status, redirect_uri } = answered.json<{ status: string; redirect_uri?: string }>();
      // The holder's result (the redirect_uri): the verdict and the reason in plain words.
      const holder = redirect_uri
        ? (await t.app.inject({ method: 'GET', url: new URL(redirect_uri).pathname })).json<{
            code: string;
            message: { ko: string; en: string };
          }>()
        : undefined;
      return { status, verdict: result.verdict, credential: result.credentials.mdl![0]!, holder };
    }

    it("verifies an mdoc whose document signer's AuthorityKeyIdentifier is one of the asked values", async () => {
      const aki = await iacaKeyId(iaca);
      const r = await present(withAki, [{ type: 'aki', values: [await iacaKeyId(otherIaca), aki] }]);
      assert.equal(r.status, 'verified');
      assert.equal(r.credential.code, 'verified');
      assert.deepEqual(r.credential.claims, { [MDL_NS]: { family_name: '홍' } });
      // One matching entry among several is enough (§6.1.1: "one of the provided values in one of the provided types").
      const r2 = await present(withAki, [
        { type: 'aki', values: ['AQIDBAUGBwgJCgsMDQ4PEBESExQ'] },
        { type: 'aki', values: [aki] },
      ]);
      assert.equal(r2.credential.code, 'verified');
    });

    it('refuses an mdoc of another trusted IACA with trusted_authority_mismatch (the policy check), though its chain verifies', async () => {
      const r = await present(otherWithAki, [{ type: 'aki', values: [await iacaKeyId(iaca)] }]);
      assert.equal(r.status, 'rejected');
      assert.equal(r.verdict, 'rejected');
      assert.equal(r.credential.code, 'trusted_authority_mismatch');
      assert.deepEqual(
        r.credential.checks.find((c) => c.check === 'issuer_signature'),
        { check: 'issuer_signature', ok: true, code: 'ok' },
      );
      assert.deepEqual(r.credential.checks.at(-1), { check: 'policy', ok: false, code: 'trusted_authority_mismatch' });
      assert.equal(r.credential.claims, undefined);
      // The clerk and the holder each read a sentence of their own (Korean and English).
      assert.equal(r.credential.message.ko, '요청에서 지정한 신뢰 기관이 발급한 증명서가 아닙니다.');
      assert.equal(r.holder?.code, 'trusted_authority_mismatch');
      assert.equal(r.holder?.message.en, 'Refused: the verifier asked for a credential issued under another authority.');
      // Without trusted_authorities the same mdoc is accepted: the query, not the trust list, refused it.
      assert.equal((await present(otherWithAki, undefined)).credential.code, 'verified');
    });

    it('refuses an mdoc whose certificates carry no AuthorityKeyIdentifier: nothing in its chain can match', async () => {
      const r = await present(withoutAki, [{ type: 'aki', values: [await iacaKeyId(iaca)] }]);
      assert.equal(r.credential.code, 'trusted_authority_mismatch');
    });

    it('refuses at request creation: another type and malformed entries, each with its code', async () => {
      const cases: [unknown, string, string?][] = [
        [query([{ type: 'etsi_tl', values: ['https://lotl.example.com'] }]), 'dcql_trusted_authority_type_unsupported'],
        [query([{ type: 'openid_federation', values: ['https://ta.example.com'] }]), 'dcql_trusted_authority_type_unsupported'],
        [query([]), 'invalid_dcql_query', '/dcql_query/credentials/0/trusted_authorities'],
        [query([{ type: 'aki', values: [] }]), 'invalid_dcql_query', '/dcql_query/credentials/0/trusted_authorities/0/values'],
        [query([{ type: 'aki', values: ['a+b/c='] }]), 'invalid_dcql_query', '/dcql_query/credentials/0/trusted_authorities/0/values/0'],
        [query({ type: 'aki', values: ['AQID'] }), 'invalid_dcql_query', '/dcql_query/credentials/0/trusted_authorities'],
        [query([{ values: ['AQID'] }]), 'invalid_dcql_query', '/dcql_query/credentials/0/trusted_authorities/0'],
      ];
      for (const [q, code, pointer] of cases) {
        const res = await createRequest(q);
        assert.equal(res.statusCode, 400, res.body);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        const body = res.json<{ code: string; errors?: { pointer: string }[] }>();
        assert.equal(body.code, code, JSON.stringify(q));
        if (pointer) assert.equal(body.errors?.[0]?.pointer, pointer);
      }
    });
  });
}
