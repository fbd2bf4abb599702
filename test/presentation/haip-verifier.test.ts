/**
 * Issue 17 (HAIP presentation), verifier side, on a real app and store:
 * - DC API requests signed under X.509 (x509_hash, x509_san_dns; OpenID4VP 1.0 Appendix A.3.2,
 *   HAIP 1.0 §5.2): x5c header, prefixed client_id, expected_origins; checked by an independent
 *   library (@openid4vc/openid4vp, with the origin the browser would give it) and by our own
 *   wallet's check (verifyX509Request), then answered dc_api.jwt and verified;
 * - a verifier client's logo_uri: checked at creation (invalid_logo_uri, nothing stored), sent
 *   with client_name in client_metadata; the purpose (verifier_info) only in signed requests;
 * - same-device session binding (OpenID4VP §13.3, HAIP §5.1): the Response URI answers
 *   redirect_uri#response_code, and an answered same-device result is read only with that code:
 *   the attacker who relayed the request reads it without the code, or with the code of another
 *   request of theirs, and is refused.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Openid4vpClient } from '@openid4vc/openid4vp';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { rowCount } from '../helpers/row-count.js';
import {
  AGE_CHECK_PURPOSE,
  ageOver19Query,
  createDcqlRequest,
  dcApiEntry,
  generateHolderKey,
  getVerifierRequest,
  issueViaApi,
  postDcApiResponse,
  postVerifierRequest,
  presentTo,
} from './helpers.js';
import { devIdentityWallet } from './x509-library-wallet.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { verifyRequestObject } from '../../src/wallet/verify-request-object.js';

const PUBLIC_URL = 'https://verifier.example';
const ORIGIN = 'https://shop.example';
const LOGO = 'https://cdn.shop.example/logo.png';
const FRONTEND = 'https://shop.example/checkout/return';
type Obj = Record<string, unknown>;
const JARM = {
  serverMetadata: {
    authorization_encryption_alg_values_supported: ['ECDH-ES'],
    authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
  },
  encryption: {},
} as never;

for (const backend of storeTargets()) {
  describe(`HAIP verifier: X.509 DC API requests, logo_uri, same-device binding (${backend})`, () => {
    let t: TestApp;
    let adminKey: string;
    let verifierKey: string;
    let holder: HolderKey;
    let credential: string;
    let vct: string;
    let anchor: X509Certificate;
    let x509Hash: string;
    let wallet: Openid4vpClient;

    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { PUBLIC_URL } });
      adminKey = await t.apiKey('admin');
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder));
      vct = t.runtime.catalog.get('driver-license')!.vct;
      ({ anchor, x509Hash, wallet } = await devIdentityWallet(t));
      // A verifier client with a display name and a logo, made through the admin API.
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/clients',
        headers: { authorization: `Bearer ${adminKey}` },
        payload: { name: '한빛 주류', role: 'verifier', logo_uri: LOGO },
      });
      assert.equal(res.statusCode, 201, res.body);
      const made = res.json<{ apiKey: string; client: { logo_uri: string } }>();
      assert.equal(made.client.logo_uri, LOGO);
      verifierKey = made.apiKey;
    });
    afterAll(async () => t?.close());

    const countRows = (table: 'api_clients' | 'verifier_requests') => rowCount(t, table);
    const query = () => ageOver19Query(vct);
    const create = (body: Obj) => postVerifierRequest(t.app, verifierKey, query(), { purpose: AGE_CHECK_PURPOSE, ...body });
    const created = (body: Obj) => createDcqlRequest(t.app, verifierKey, query(), { purpose: AGE_CHECK_PURPOSE, ...body });
    const read = (id: string, code?: string) => getVerifierRequest(t.app, verifierKey, id, code);
    const present = (aud: string, nonce: string) => presentTo(credential, holder, aud, nonce);

    describe('DC API requests signed under X.509', () => {
      for (const prefix of ['x509_hash', 'x509_san_dns'] as const) {
        it(`${prefix}: x5c and the prefixed client_id; the library and our wallet check it for the origin; answered dc_api.jwt: verified`, async () => {
          const c = await created({ response_mode: 'dc_api.jwt', origin: ORIGIN, client_id_prefix: prefix });
          const signed = dcApiEntry(c, 'openid4vp-v1-signed').data.request as string;
          const header = decodeProtectedHeader(signed);
          assert.equal(header.typ, 'oauth-authz-req+jwt');
          assert.equal(header.x5c?.length, 1, 'leaf only: HAIP, no trust anchor');
          const payload = decodeJwt(signed) as Obj;
          const clientId = prefix === 'x509_hash' ? `x509_hash:${x509Hash}` : 'x509_san_dns:verifier.example';
          assert.equal(payload.client_id, clientId);
          assert.deepEqual(payload.expected_origins, [ORIGIN]);
          assert.equal(payload.response_uri, undefined);
          // Our own wallet's check (the one `wallet present-dc-api` runs): chain to the anchor, the signature,
          // the identifier, no response_uri needed over the DC API; without the anchor it refuses.
          const ours = await verifyRequestObject(globalThis.fetch, signed, clientId, {
            trustAnchors: [anchor.raw],
            now: new Date(),
            responseUriOnSanDns: false,
          });
          assert.equal(ours.nonce, payload.nonce);
          assert.deepEqual(ours.expected_origins, [ORIGIN]);
          await assert.rejects(
            verifyRequestObject(globalThis.fetch, signed, clientId, { trustAnchors: [], now: new Date(), responseUriOnSanDns: false }),
            /trust anchor/,
          );
          // The independent library: the same checks, then it encrypts its answer to the request key.
          const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({
            authorizationRequestPayload: { request: signed } as never,
            origin: ORIGIN,
          });
          assert.equal(resolved.client.prefix, prefix);
          assert.equal(resolved.client.effective, clientId);
          await assert.rejects(
            wallet.resolveOpenId4vpAuthorizationRequest({
              authorizationRequestPayload: { request: signed } as never,
              origin: 'https://evil.example',
            }),
          );
          const response = await wallet.createOpenid4vpAuthorizationResponse({
            authorizationRequestPayload: resolved.authorizationRequestPayload,
            authorizationResponsePayload: { vp_token: { licence: [await present(`origin:${ORIGIN}`, payload.nonce as string)] } } as never,
            origin: ORIGIN,
            jarm: JARM,
          } as never);
          const res = await postDcApiResponse(t.app, verifierKey, c.id, { response: response.jarm!.responseJwt });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json<{ status: string }>().status, 'verified');
        });
      }

      it('an unknown prefix is still refused invalid_client_id_prefix for a DC API request, and nothing is stored', async () => {
        const before = await countRows('verifier_requests');
        const res = await create({ response_mode: 'dc_api.jwt', origin: ORIGIN, client_id_prefix: 'redirect_uri' });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json<{ code: string }>().code, 'invalid_client_id_prefix');
        assert.equal(await countRows('verifier_requests'), before);
      });
    });

    describe('logo_uri and client_name', () => {
      it('refuses a logo_uri that is not a plain https URL (or on a non-verifier client), and stores no client', async () => {
        const before = await countRows('api_clients');
        const bad: [string, string][] = [
          ['verifier', 'http://cdn.shop.example/logo.png'],
          ['verifier', 'javascript:alert(1)'],
          ['verifier', 'data:image/png;base64,AAAA'],
          ['verifier', 'https://user:pw@cdn.shop.example/logo.png'],
          ['verifier', 'https://cdn.shop.example/logo.png#x'],
          ['verifier', 'https://CDN.shop.example/logo.png'],
          ['verifier', `https://cdn.shop.example/${'a'.repeat(490)}`],
          ['verifier', 'logo.png'],
          ['issuer', LOGO],
        ];
        for (const [role, logo] of bad) {
          const res = await t.app.inject({
            method: 'POST',
            url: '/v1/admin/clients',
            headers: { authorization: `Bearer ${adminKey}` },
            payload: { name: 'Shop', role, logo_uri: logo },
          });
          assert.equal(res.statusCode, 400, logo);
          assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
          assert.equal(res.json<{ code: string }>().code, logo.length > 512 ? 'invalid_request' : 'invalid_logo_uri', logo);
        }
        assert.equal(await countRows('api_clients'), before);
      });

      it('the request object carries client_name and logo_uri, and the purpose in verifier_info', async () => {
        const c = await created({ client_id_prefix: 'x509_hash' });
        const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({
          authorizationRequestPayload: wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: c.authorization_request })
            .params as never,
        });
        const p = resolved.authorizationRequestPayload as Obj;
        assert.deepEqual(
          { name: (p.client_metadata as Obj).client_name, logo: (p.client_metadata as Obj).logo_uri },
          { name: '한빛 주류', logo: LOGO },
        );
        assert.equal((p.verifier_info as { data: { purpose: { en: string } } }[])[0]!.data.purpose.en, 'Age check for alcohol');
      });

      it('DC API: both requests carry client_name and logo_uri; verifier_info only in the signed one (nothing binds it otherwise)', async () => {
        const c = await created({ response_mode: 'dc_api.jwt', origin: ORIGIN });
        const signed = decodeJwt(dcApiEntry(c, 'openid4vp-v1-signed').data.request as string) as Obj;
        const unsigned = dcApiEntry(c, 'openid4vp-v1-unsigned').data;
        for (const r of [signed, unsigned]) {
          assert.equal((r.client_metadata as Obj).client_name, '한빛 주류');
          assert.equal((r.client_metadata as Obj).logo_uri, LOGO);
        }
        assert.equal((signed.verifier_info as { data: { purpose: { ko: string } } }[])[0]!.data.purpose.ko, '주류 판매 연령 확인');
        assert.equal(unsigned.verifier_info, undefined);
      });
    });

    describe('same-device session binding (OpenID4VP §13.3)', () => {
      /** The wallet on the victim's (or the attacker's own) device answers; returns what the Response URI said. */
      const answer = async (link: string) => {
        const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({
          authorizationRequestPayload: wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link }).params as never,
        });
        const req = resolved.authorizationRequestPayload as { nonce: string };
        const response = await wallet.createOpenid4vpAuthorizationResponse({
          authorizationRequestPayload: resolved.authorizationRequestPayload,
          authorizationResponsePayload: { vp_token: { licence: [await present(resolved.client.effective, req.nonce)] } } as never,
          jarm: JARM,
        });
        const submitted = await wallet.submitOpenid4vpAuthorizationResponse({
          authorizationRequestPayload: resolved.authorizationRequestPayload as never,
          authorizationResponsePayload: response.authorizationResponsePayload,
          jarm: response.jarm as never,
        });
        assert.equal(submitted.response.status, 200);
        return (await submitted.response.json()) as { status: string; redirect_uri?: string };
      };
      const codeOf = (redirect: string) => new URLSearchParams(new URL(redirect).hash.slice(1)).get('response_code')!;

      it('refuses a redirect_uri that is not https, carries a fragment or user, or is asked for a DC API request; nothing stored', async () => {
        const before = await countRows('verifier_requests');
        for (const [uri, mode] of [
          ['http://shop.example/return', 'direct_post.jwt'],
          ['https://shop.example/return#frag', 'direct_post.jwt'],
          ['https://u:p@shop.example/return', 'direct_post.jwt'],
          ['not a url', 'direct_post'],
          [FRONTEND, 'dc_api.jwt'],
        ] as const) {
          const res = await create({ redirect_uri: uri, response_mode: mode, client_id_prefix: 'x509_hash' });
          assert.equal(res.statusCode, 400, uri);
          assert.equal(res.json<{ code: string }>().code, 'invalid_redirect_uri', uri);
        }
        assert.equal(await countRows('verifier_requests'), before);
      });

      it('the wallet is sent back with a response_code; the result is read with it, once with claims', async () => {
        const c = await created({ redirect_uri: FRONTEND, response_mode: 'direct_post.jwt', client_id_prefix: 'x509_hash' });
        assert.equal(c.same_device, true);
        // Pending: nothing to leak, the status reads without a code.
        assert.equal((await read(c.id)).json<{ status: string }>().status, 'pending');
        const back = await answer(c.authorization_request);
        assert.equal(back.status, 'verified');
        assert.ok(back.redirect_uri!.startsWith(`${FRONTEND}#response_code=`), back.redirect_uri);
        const code = codeOf(back.redirect_uri!);
        assert.match(code, /^[A-Za-z0-9_-]{22}$/);
        const ok = await read(c.id, code);
        assert.equal(ok.statusCode, 200, ok.body);
        const view = ok.json<{ status: string; result: { credentials: { licence: { claims?: Obj }[] } } }>();
        assert.equal(view.status, 'verified');
        assert.deepEqual(view.result.credentials.licence[0]!.claims, { age_over_19: true });
      });

      it("session fixation: the attacker's relayed request answered on the victim's device is not readable without the victim's code, nor with the attacker's own", async () => {
        // The attacker starts a same-device request in their own session and relays its link to the victim.
        const relayed = await created({ redirect_uri: FRONTEND, response_mode: 'direct_post.jwt', client_id_prefix: 'x509_hash' });
        // The attacker also completes a request of their own, so they hold a genuine response_code.
        const own = await created({ redirect_uri: FRONTEND, response_mode: 'direct_post.jwt', client_id_prefix: 'x509_hash' });
        const attackersCode = codeOf((await answer(own.authorization_request)).redirect_uri!);
        // The victim's wallet answers the relayed request; the code goes to the VICTIM's browser.
        const victim = await answer(relayed.authorization_request);
        assert.equal(victim.status, 'verified');
        const victimsCode = codeOf(victim.redirect_uri!);

        const noCode = await read(relayed.id);
        assert.equal(noCode.statusCode, 403);
        assert.equal(noCode.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(noCode.json<{ code: string }>().code, 'response_code_required');
        for (const wrong of [attackersCode, 'A'.repeat(22), 'not-a-code', `${victimsCode}x`]) {
          const res = await read(relayed.id, wrong);
          assert.equal(res.statusCode, 403, wrong);
          assert.equal(res.json<{ code: string }>().code, 'response_code_mismatch', wrong);
        }
        // None of the refused reads consumed the one-time claim values: the victim's own page still gets them.
        const rec = await t.runtime.store.verifierRequests.get(relayed.id);
        assert.equal(rec!.result_read_at, null);
        const victimsRead = (await read(relayed.id, victimsCode)).json<{ result: { credentials: { licence: { claims?: Obj }[] } } }>();
        assert.deepEqual(victimsRead.result.credentials.licence[0]!.claims, { age_over_19: true });
      });

      it('a cross-device request (no redirect_uri) keeps its holder result address and reads without a code', async () => {
        const c = await created({ response_mode: 'direct_post.jwt', client_id_prefix: 'x509_hash' });
        assert.equal(c.same_device, undefined);
        const back = await answer(c.authorization_request);
        assert.ok(back.redirect_uri!.startsWith(`${PUBLIC_URL}/openid4vp/results/`), back.redirect_uri);
        assert.equal((await read(c.id)).json<{ status: string }>().status, 'verified');
      });
    });
  });
}
