/**
 * OpenID4VP over the W3C Digital Credentials API (OpenID4VP 1.0 Appendix A), server side: the
 * requests the page hands to navigator.credentials.get (signed with expected_origins, and
 * unsigned), and the answer the page hands back, verified with aud `origin:<origin>`. The wallet
 * is simulated by an independent library (@openid4vc/openid4vp, which checks expected_origins
 * against the origin the browser would give it) and by jose, with real crypto and a real store.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REQUEST_REFUSALS } from '../../src/presentation/request-refusals.js';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CompactEncrypt, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { rowCount } from '../helpers/row-count.js';
import {
  ageOver19Query,
  createDcqlRequest,
  dcApiEntry,
  generateHolderKey,
  injectFetch,
  issueViaApi,
  postDcApiResponse,
  postVerifierRequest,
  presentTo,
  readRequestView,
  verifyJwtWithDidDocument,
} from './helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import type { AnyCreatedRequest } from './helpers.js';

const PUBLIC_URL = 'https://verifier.example';
const ORIGIN = 'https://verifier.example';
type Obj = Record<string, unknown>;

for (const backend of storeTargets()) {
  describe(`DC API requests and answers (${backend})`, () => {
    let t: TestApp;
    let verifierKey: string;
    let otherVerifierKey: string;
    let holder: HolderKey;
    let credential: string;
    let vct: string;
    let lib: Openid4vpClient;

    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { PUBLIC_URL } });
      verifierKey = await t.apiKey('verifier');
      otherVerifierKey = await t.apiKey('verifier');
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder));
      vct = t.runtime.catalog.get('driver-license')!.vct;
      const f = injectFetch(t.app);
      lib = new Openid4vpClient({
        callbacks: {
          fetch: f as never,
          hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
          verifyJwt: verifyJwtWithDidDocument(f, PUBLIC_URL),
          encryptJwe: async (e: { publicJwk: JWK; alg: string; enc: string }, data: string) => ({
            jwe: await new CompactEncrypt(new TextEncoder().encode(data))
              .setProtectedHeader({ alg: e.alg, enc: e.enc, kid: e.publicJwk.kid })
              .encrypt(await importJWK(e.publicJwk, e.alg)),
            encryptionJwk: e.publicJwk,
          }),
          signJwt: async () => {
            throw new Error('not used');
          },
          decryptJwe: async () => {
            throw new Error('not used');
          },
          getX509CertificateMetadata: () => {
            throw new Error('not used');
          },
        } as never,
      });
    });
    afterAll(async () => t?.close());

    const create = (body: Obj) => postVerifierRequest(t.app, verifierKey, ageOver19Query(vct), body);
    const createDc = (mode: string) => createDcqlRequest(t.app, verifierKey, ageOver19Query(vct), { response_mode: mode });
    const handBack = (id: string, data: Obj, key = verifierKey) => postDcApiResponse(t.app, key, id, data);
    const read = (id: string) => readRequestView(t.app, verifierKey, id);
    const present = (nonce: string, aud = `origin:${ORIGIN}`) => presentTo(credential, holder, aud, nonce);
    const unsignedOf = (c: AnyCreatedRequest) => dcApiEntry(c, 'openid4vp-v1-unsigned').data;
    const encKey = (params: Obj) => ((params.client_metadata as Obj).jwks as { keys: JWK[] }).keys[0]!;
    const encrypt = async (key: JWK, payload: Obj) =>
      new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: key.kid })
        .encrypt(await importJWK(key, 'ECDH-ES'));

    it('hands the page a signed request (client_id, expected_origins) and an unsigned one (no client_id), neither with state', async () => {
      const c = await createDc('dc_api.jwt');
      assert.deepEqual(
        c.dc_api_requests!.map((r) => r.protocol),
        ['openid4vp-v1-signed', 'openid4vp-v1-unsigned'],
      );
      const jws = c.dc_api_requests![0]!.data.request as string;
      assert.equal(decodeProtectedHeader(jws).typ, 'oauth-authz-req+jwt');
      const signed = decodeJwt(jws) as Obj;
      assert.deepEqual(signed.expected_origins, [ORIGIN]);
      assert.equal(signed.client_id, 'decentralized_identifier:did:web:verifier.example');
      assert.equal(signed.response_mode, 'dc_api.jwt');
      assert.equal(signed.state, undefined);
      const unsigned = unsignedOf(c);
      assert.equal(unsigned.client_id, undefined);
      assert.equal(unsigned.state, undefined);
      assert.equal(unsigned.response_mode, 'dc_api.jwt');
      assert.equal(encKey(unsigned).alg, 'ECDH-ES');
      assert.equal(encKey(signed).kid, encKey(unsigned).kid);
      // Not fetchable by request_uri, and no link or QR to show: a DC API request travels through the browser only.
      const byUri = await t.app.inject({ method: 'GET', url: `/openid4vp/requests/${c.id}` });
      assert.equal(byUri.statusCode, 400);
      assert.equal(byUri.json<{ error: string }>().error, 'invalid_request_uri');
      assert.deepEqual(Object.keys(c).sort(), ['dc_api_requests', 'expires_at', 'id']);
      for (const kind of ['svg', 'png']) {
        const qr = await t.app.inject({ method: 'GET', url: `/openid4vp/requests/${c.id}/qr.${kind}` });
        assert.equal(qr.statusCode, 400, kind);
        assert.equal(qr.json<{ error: string }>().error, 'invalid_request_uri', kind);
      }
      // What means nothing for a mode is refused, with nothing stored: request_uri_method for the DC API, origin for direct_post.
      const before = await rowCount(t, 'verifier_requests');
      const refused = async (body: Obj, code: string) => {
        const res = await postVerifierRequest(t.app, verifierKey, ageOver19Query(vct), body);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ code: string }>().code, code, JSON.stringify(body));
      };
      await refused({ response_mode: 'dc_api.jwt', origin: ORIGIN, request_uri_method: 'post' }, 'invalid_request');
      await refused({ response_mode: 'dc_api', origin: ORIGIN, request_uri_method: 'get' }, 'invalid_request');
      await refused({ response_mode: 'direct_post', origin: ORIGIN }, 'invalid_origin');
      await refused({ origin: ORIGIN }, 'invalid_origin');
      assert.equal(await rowCount(t, 'verifier_requests'), before);
    });

    it('an independent wallet library answers a signed dc_api.jwt request for our origin: verified', async () => {
      const c = await createDc('dc_api.jwt');
      const resolved = await lib.resolveOpenId4vpAuthorizationRequest({
        authorizationRequestPayload: c.dc_api_requests![0]!.data as never,
        origin: ORIGIN,
      });
      const req = resolved.authorizationRequestPayload as Obj;
      const response = await lib.createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        authorizationResponsePayload: { vp_token: { licence: [await present(req.nonce as string)] } } as never,
        origin: ORIGIN,
        jarm: {
          serverMetadata: {
            authorization_encryption_alg_values_supported: ['ECDH-ES'],
            authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
          },
          encryption: {},
        },
      } as never);
      const res = await handBack(c.id, { response: response.jarm!.responseJwt });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ status: string }>().status, 'verified');
      const view = await read(c.id);
      assert.deepEqual(view.result?.credentials.licence?.[0]?.claims, { age_over_19: true });
    });

    it('the library refuses our signed request from another origin (expected_origins)', async () => {
      const c = await createDc('dc_api');
      await assert.rejects(
        lib.resolveOpenId4vpAuthorizationRequest({
          authorizationRequestPayload: c.dc_api_requests![0]!.data as never,
          origin: 'https://evil.example',
        }),
      );
    });

    it('an unsigned dc_api answer (vp_token object) verifies; one made for another origin is refused kb_jwt_aud_mismatch', async () => {
      const ok = await createDc('dc_api');
      const res = await handBack(ok.id, { vp_token: { licence: [await present(unsignedOf(ok).nonce as string)] } });
      assert.equal(res.json<{ status: string }>().status, 'verified', res.body);
      const evil = await createDc('dc_api');
      const bad = await handBack(evil.id, {
        vp_token: { licence: [await present(unsignedOf(evil).nonce as string, 'origin:https://evil.example')] },
      });
      assert.equal(bad.json<{ status: string }>().status, 'rejected');
      assert.equal((await read(evil.id)).result?.credentials.licence?.[0]?.code, 'kb_jwt_aud_mismatch');
      // Nor is our OpenID4VP client identifier the audience over the DC API (A.4: even for signed requests).
      const cid = await createDc('dc_api');
      await handBack(cid.id, {
        vp_token: { licence: [await present(unsignedOf(cid).nonce as string, 'decentralized_identifier:did:web:verifier.example')] },
      });
      assert.equal((await read(cid.id)).result?.credentials.licence?.[0]?.code, 'kb_jwt_aud_mismatch');
    });

    it('a second answer is refused, in Korean when asked, with its own reason and no member beyond the problem document', async () => {
      const req = await createDc('dc_api');
      const answer = { vp_token: { licence: [await present(unsignedOf(req).nonce as string)] } };
      assert.equal((await handBack(req.id, answer)).json<{ status: string }>().status, 'verified');
      const again = await t.app.inject({
        method: 'POST',
        url: `/v1/verifier/requests/${req.id}/dc-api-response`,
        headers: { authorization: `Bearer ${verifierKey}`, 'accept-language': 'ko' },
        payload: { data: answer },
      });
      assert.equal(again.statusCode, 400, again.body);
      const p = again.json<Record<string, unknown>>();
      assert.equal(p.code, 'invalid_request');
      assert.equal(p.detail, REQUEST_REFUSALS.answered.ko);
      assert.deepEqual(Object.keys(p).sort(), ['code', 'detail', 'instance', 'status', 'title', 'type']);
    });

    it("refuses an answer encrypted to another request's key, a plain answer to dc_api.jwt, and answers through the wrong channel", async () => {
      const a = await createDc('dc_api.jwt');
      const b = await createDc('dc_api.jwt');
      const nonceB = unsignedOf(b).nonce as string;
      const other = await handBack(b.id, {
        response: await encrypt(encKey(unsignedOf(a)), { vp_token: { licence: [await present(nonceB)] } }),
      });
      assert.equal(other.statusCode, 400);
      assert.equal(other.json<{ code: string }>().code, 'response_jwe_other_request');
      const plain = await handBack(b.id, { vp_token: { licence: [await present(nonceB)] } });
      assert.equal(plain.json<{ code: string }>().code, 'response_encryption_required');
      // A DC API request answered at the Response URI, and a redirect request answered here.
      const atUri = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          response: await encrypt(encKey(unsignedOf(b)), { vp_token: { licence: [await present(nonceB)] } }),
        }).toString(),
      });
      assert.equal(atUri.json<{ error: string }>().error, 'dc_api_mode_mismatch');
      const redirect = await createDcqlRequest(t.app, verifierKey, ageOver19Query(vct));
      assert.equal((await handBack(redirect.id, { error: 'access_denied' })).json<{ code: string }>().code, 'dc_api_mode_mismatch');
      // Another verifier client cannot hand back an answer to our request.
      assert.equal((await handBack(b.id, { error: 'access_denied' }, otherVerifierKey)).statusCode, 404);
      // None of it consumed b: the right answer still verifies.
      const good = await handBack(b.id, {
        response: await encrypt(encKey(unsignedOf(b)), { vp_token: { licence: [await present(nonceB)] } }),
      });
      assert.equal(good.json<{ status: string }>().status, 'verified', good.body);
    });

    it('refuses an origin that is not a bare https origin', async () => {
      for (const origin of ['http://evil.example', 'https://verifier.example/', 'https://verifier.example/page', 'javascript:alert(1)']) {
        const res = await create({ response_mode: 'dc_api', origin });
        assert.equal(res.statusCode, 400, origin);
        assert.equal(res.json<{ code: string }>().code, 'invalid_origin');
      }
      assert.equal((await create({ response_mode: 'dc_api', origin: 'https://shop.example' })).statusCode, 201);
    });

    // Signed under X.509 with an identity: test/presentation/haip-verifier.test.ts.
    it('an X.509 client_id_prefix for a DC API request without an X.509 identity is no_verifier_identity, and stores nothing', async () => {
      const before = await rowCount(t, 'verifier_requests');
      for (const prefix of ['x509_hash', 'x509_san_dns']) {
        const res = await create({ response_mode: 'dc_api.jwt', client_id_prefix: prefix });
        assert.equal(res.statusCode, 409, res.body);
        assert.equal(res.json<{ code: string }>().code, 'no_verifier_identity');
      }
      assert.equal(await rowCount(t, 'verifier_requests'), before);
      assert.equal((await create({ response_mode: 'dc_api.jwt', client_id_prefix: 'decentralized_identifier' })).statusCode, 201);
    });
  });
}
