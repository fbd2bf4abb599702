/**
 * `dproof wallet present-dc-api` (the compiled CLI, in its own process) as the platform wallet of
 * the Digital Credentials API (OpenID4VP 1.0 Appendix A), end to end over real HTTP: the verifier
 * creates a dc_api / dc_api.jwt request, the CLI reads the `dc_api_requests` entry the page got and
 * the origin the browser would give it, and prints the `data` the page posts to
 * `/v1/verifier/requests/{id}/dc-api-response` — for an SD-JWT VC (KB-JWT `aud` `origin:<origin>`)
 * and an mdoc (DeviceSignature over the OpenID4VPDCAPIHandover, Annex B.2.6.2). An answer made for
 * another origin is refused by the verifier; a signed request whose `expected_origins` lacks the
 * origin is refused by the CLI before it answers.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof, spawnDproof } from '../helpers/spawn-server.js';
import { makeDocumentSigner as makeOwnDs, makeIaca as makeOwnIaca } from '../../src/keys/manage-mdoc-keys.js';
import { readWallet, type Wallet } from '../../src/wallet/wallet-file.js';
import { answerDcApiRequest } from '../../src/wallet/answer-dc-api-request.js';
import { MDL, MDL_NS } from '../formats/mdoc/mdoc-fixtures.js';

const KR_MDL = 'kr.go.knpa.mdl.1';
type Obj = Record<string, unknown>;
interface DcRequest {
  protocol: string;
  data: Obj;
}

for (const backend of storeTargets()) {
  describe(`dproof wallet present-dc-api on ${backend}`, () => {
    let t: TestApp;
    let dir: string;
    let env: Record<string, string>;
    let verifierKey: string;
    let origin: string;
    let vct: string;
    let familyName: string;

    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      origin = new URL(t.url).origin;
      verifierKey = await t.apiKey('verifier');
      const issuerKey = await t.apiKey('issuer');
      dir = mkdtempSync(join(tmpdir(), 'dproof-dc-api-cli-'));
      env = { DPROOF_WALLET: join(dir, 'wallet.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      // Our own mdoc issuer (IACA and DS in the key ring) beside the SD-JWT VC one.
      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
      await makeOwnIaca(deps, { country: 'KR', commonName: 'test IACA', uri: t.url });
      await makeOwnDs(deps, { country: 'KR', commonName: 'test DS', uri: t.url });
      await t.runtime.keys.refresh();
      const type = t.runtime.catalog.get('driver-license')!;
      vct = type.vct;
      familyName = type.example.family_name as string;
      // The issuer binds both credentials to the wallet's key; the wallet file keeps them as OpenID4VCI delivers them.
      const wallet = JSON.parse(readFileSync(env.DPROOF_WALLET!, 'utf8')) as Wallet;
      const key = wallet.keys[0]!;
      const { d: _d, ...holderJwk } = key.jwk;
      const issue = async (format: string) => {
        const res = await fetch(`${t.url}/v1/credentials`, {
          method: 'POST',
          headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: type.id, claims: type.example, format, holder_jwk: holderJwk }),
        });
        assert.equal(res.status, 201, await res.clone().text());
        return ((await res.json()) as { credential: string }).credential;
      };
      const held = (id: string, format: string, kind: string, credential: string) => ({
        id,
        credential_issuer: t.url,
        credential_configuration_id: format === 'mso_mdoc' ? 'driver-license-mso-mdoc' : 'driver-license',
        format,
        kind,
        key: key.kid,
        credential,
        received_at: new Date().toISOString(),
        expires_at: null,
      });
      wallet.credentials.push(
        held('a8f7c0de-0000-4000-8000-00000000000a', 'dc+sd-jwt', vct, await issue('dc+sd-jwt')),
        held('a8f7c0de-0000-4000-8000-00000000000b', 'mso_mdoc', MDL, await issue('mso_mdoc')),
      );
      writeFileSync(env.DPROOF_WALLET!, JSON.stringify(wallet));
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const queries = {
      sdjwt: [{ id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [] as string[] }, claims: [{ path: ['age_over_19'] }] }],
      mdoc: [
        {
          id: 'mdl',
          format: 'mso_mdoc',
          meta: { doctype_value: MDL },
          claims: [{ path: [MDL_NS, 'family_name'] }, { path: [KR_MDL, 'age_over_19'] }],
        },
      ],
    };
    const api = async (path: string, body?: Obj) => {
      const res = await fetch(`${t.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${verifierKey}`, ...(body && { 'content-type': 'application/json' }) },
        ...(body && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Obj };
    };
    /** A DC API request over real HTTP, as the verifier's page makes it. */
    const createDc = async (kind: 'sdjwt' | 'mdoc', mode: 'dc_api' | 'dc_api.jwt', extra: Obj = {}) => {
      const credentials = kind === 'sdjwt' ? [{ ...queries.sdjwt[0], meta: { vct_values: [vct] } }] : queries.mdoc;
      const res = await api('/v1/verifier/requests', { dcql_query: { credentials }, response_mode: mode, ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string; dc_api_requests: DcRequest[] };
    };
    const entry = (c: { dc_api_requests: DcRequest[] }, protocol: string) => c.dc_api_requests.find((r) => r.protocol === protocol)!;
    /**
     * The CLI (in this process; the stdin case below runs the compiled one) answers the entry for
     * this origin; stdout is the data the page hands back.
     */
    const cliAnswer = async (request: unknown, asOrigin: string) => {
      const file = join(dir, `request-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(request));
      return runDproof(['wallet', 'present-dc-api', '--origin', asOrigin, '--request-file', file], env);
    };
    const handBack = async (id: string, data: unknown) => {
      const res = await api(`/v1/verifier/requests/${id}/dc-api-response`, { data: data as Obj });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const view = (await api(`/v1/verifier/requests/${id}`)).body as {
        status: string;
        result?: { credentials: Record<string, { code: string; claims?: Obj }[]> };
      };
      return view;
    };

    it('answers a signed dc_api SD-JWT VC request for its origin: the verifier reads exactly the asked claim', async () => {
      const c = await createDc('sdjwt', 'dc_api');
      const r = await cliAnswer(entry(c, 'openid4vp-v1-signed'), origin);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /sent age_over_19 from credential a8f7c0de-0000-4000-8000-00000000000a/);
      const data = JSON.parse(r.stdout) as Obj;
      assert.deepEqual(Object.keys(data), ['vp_token']);
      const view = await handBack(c.id, data);
      assert.equal(view.status, 'verified', JSON.stringify(view));
      assert.deepEqual(view.result?.credentials.licence?.[0]?.claims, { age_over_19: true });
    });

    it('answers dc_api.jwt with one response JWE, for an SD-JWT VC and for an mdoc (signed and unsigned entries)', async () => {
      for (const [kind, protocol] of [
        ['sdjwt', 'openid4vp-v1-signed'],
        ['mdoc', 'openid4vp-v1-signed'],
        ['mdoc', 'openid4vp-v1-unsigned'],
      ] as const) {
        const c = await createDc(kind, 'dc_api.jwt');
        const r = await cliAnswer(entry(c, protocol), origin);
        assert.equal(r.code, 0, r.stderr);
        const data = JSON.parse(r.stdout) as Obj;
        assert.deepEqual(Object.keys(data), ['response']);
        assert.equal((data.response as string).split('.').length, 5, 'a compact JWE');
        const view = await handBack(c.id, data);
        assert.equal(view.status, 'verified', `${kind} ${protocol}: ${JSON.stringify(view)}`);
        if (kind === 'mdoc')
          assert.deepEqual(view.result?.credentials.mdl?.[0]?.claims, {
            [MDL_NS]: { family_name: familyName },
            [KR_MDL]: { age_over_19: true },
          });
      }
    });

    it('answers a plain dc_api mdoc request given the whole dc_api_requests list on standard input', async () => {
      const c = await createDc('mdoc', 'dc_api');
      const r = await spawnDproof(['wallet', 'present-dc-api', '--origin', origin], env, JSON.stringify(c.dc_api_requests));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /openid4vp-v1-signed/, 'of the two entries, the signed one is answered');
      const view = await handBack(c.id, JSON.parse(r.stdout));
      assert.equal(view.status, 'verified', JSON.stringify(view));
    });

    it('an answer made for another origin (an unsigned request replayed by another site) is refused by the verifier', async () => {
      const evil = 'https://evil.example';
      const sd = await createDc('sdjwt', 'dc_api');
      const sdAnswer = await cliAnswer(entry(sd, 'openid4vp-v1-unsigned'), evil);
      assert.equal(sdAnswer.code, 0, sdAnswer.stderr);
      const sdView = await handBack(sd.id, JSON.parse(sdAnswer.stdout));
      assert.equal(sdView.status, 'rejected');
      assert.equal(sdView.result?.credentials.licence?.[0]?.code, 'kb_jwt_aud_mismatch');
      for (const mode of ['dc_api', 'dc_api.jwt'] as const) {
        const m = await createDc('mdoc', mode);
        const mAnswer = await cliAnswer(entry(m, 'openid4vp-v1-unsigned'), evil);
        assert.equal(mAnswer.code, 0, mAnswer.stderr);
        const mView = await handBack(m.id, JSON.parse(mAnswer.stdout));
        assert.equal(mView.status, 'rejected');
        assert.equal(mView.result?.credentials.mdl?.[0]?.code, 'mdoc_device_signature_invalid');
      }
    });

    it("refuses, before answering, a signed request whose expected_origins lacks the page's origin; the request stays answerable", async () => {
      const c = await createDc('mdoc', 'dc_api', { origin: 'https://shop.example' });
      const r = await cliAnswer(entry(c, 'openid4vp-v1-signed'), origin);
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /made for https:\/\/shop\.example, not for the page at http:\/\/127\.0\.0\.1/);
      // The same refusal through the function the command calls, with its code.
      const wallet = readWallet(env.DPROOF_WALLET!);
      await assert.rejects(answerDcApiRequest(wallet, { request: entry(c, 'openid4vp-v1-signed'), origin: 'https://evil.example' }), {
        code: 'dc_api_origin_not_expected',
      });
      assert.equal(((await api(`/v1/verifier/requests/${c.id}`)).body as { status: string }).status, 'pending');
      // A bare origin only: a page URL is not an origin.
      const bad = await cliAnswer(entry(c, 'openid4vp-v1-signed'), 'https://shop.example/page');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /--origin must be an https origin/);
      for (const o of ['https://shop.example/', 'http://shop.example', 'javascript:alert(1)'])
        await assert.rejects(answerDcApiRequest(wallet, { request: entry(c, 'openid4vp-v1-signed'), origin: o }), {
          code: 'invalid_origin',
        });
    });
  });
}
