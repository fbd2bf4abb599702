/**
 * OpenID4VP 1.0 end to end: the verifier creates a request through our API; the wallet side is
 * driven with @openid4vc/openid4vp (it parses the openid4vp:// link, fetches and verifies our
 * signed request object — client identifier prefix `decentralized_identifier` with did:web —
 * and builds and submits the direct_post response); presentations come from our holder helper.
 * PUBLIC_URL is https so the library's https rules apply unchanged; HTTP goes through inject.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { ABANDONED_ANSWER_MS } from '../../src/presentation/read-verifier-request.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { rowCount } from '../helpers/row-count.js';
import { generateHolderKey, injectFetch, issueViaApi, nowSeconds, counterOf, counterPresent, counterVerify } from './helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { createHistoryToken } from '../../src/wallet/create-history-token.js';

const PUBLIC_URL = 'https://verifier.example';
const DCQL = (vct: string) => ({
  credentials: [
    { id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['family_name'] }, { path: ['age_over_19'] }] },
  ],
});

interface RequestView {
  status: string;
  claims_read_at: string | null;
  result?: {
    verdict: string;
    code: string;
    credentials: Record<string, { verdict: string; code: string; claims?: Record<string, unknown> }[]>;
    receipts: string[];
  };
}

for (const backend of storeTargets()) {
  describe(`OpenID4VP requests (${backend})`, () => {
    let t: TestApp;
    let verifierKey: string;
    let issuerKey: string;
    let holder: HolderKey;
    let credential: string;
    let wallet: Openid4vpClient;

    beforeAll(async () => {
      // The webhook test's receiver is on this machine: the operator allow-list lets it in.
      t = await startTestApp({ store: backend, env: { PUBLIC_URL, WEBHOOK_ALLOW_HOSTS: 'localhost' } });
      verifierKey = await t.apiKey('verifier');
      issuerKey = await t.apiKey('issuer');
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, issuerKey, 'driver-license', holder));
      const fetch = injectFetch(t.app);
      wallet = new Openid4vpClient({
        callbacks: {
          fetch: fetch as never,
          hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
          // did:web resolution (did:web §3.2): https://<host>/.well-known/did.json, key by DID URL.
          verifyJwt: async (signer: { method: string; didUrl?: string; alg: string }, jwt: { compact: string }) => {
            if (signer.method !== 'did' || !signer.didUrl) return { verified: false };
            const [did] = signer.didUrl.split('#');
            const host = decodeURIComponent(did!.slice('did:web:'.length));
            const doc = (await (await fetch(`https://${host}/.well-known/did.json`)).json()) as {
              verificationMethod: { id: string; publicKeyJwk: JWK }[];
            };
            const vm = doc.verificationMethod.find((m) => m.id === signer.didUrl);
            if (!vm) return { verified: false };
            try {
              await compactVerify(jwt.compact, await importJWK(vm.publicKeyJwk, signer.alg));
              return { verified: true, signerJwk: vm.publicKeyJwk as never };
            } catch {
              return { verified: false };
            }
          },
          signJwt: async () => {
            throw new Error('not used');
          },
          encryptJwe: async () => {
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

    const createRequest = async (body: Record<string, unknown> = {}) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: {
          dcql_query: DCQL(t.runtime.catalog.get('driver-license')!.vct),
          purpose: { ko: '계좌 개설 본인 확인', en: 'Identity check for opening an account' },
          ...body,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string; authorization_request: string; request_uri: string; qr_svg: string; qr_png: string }>();
    };

    const resolve = async (link: string) => {
      const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link });
      return wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params as never });
    };

    const read = async (id: string, key = verifierKey) =>
      t.app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${key}` } });

    const answer = async (resolved: Awaited<ReturnType<typeof resolve>>, disclose: string[], o: { nonce?: string } = {}) => {
      const req = resolved.authorizationRequestPayload as { nonce: string; client_id: string };
      const { presentation } = await createHolderPresentation({
        credential,
        disclose,
        holderSigner: holder.signer,
        aud: resolved.client.effective,
        nonce: o.nonce ?? req.nonce,
        iat: nowSeconds(),
      });
      const response = await wallet.createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        authorizationResponsePayload: { vp_token: { licence: [presentation] } },
      });
      return wallet.submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as never,
        authorizationResponsePayload: response.authorizationResponsePayload,
      });
    };

    it('answers a request end to end: signed request object, direct_post, verified result with exactly the asked claims, read once', async () => {
      const created = await createRequest();
      assert.match(
        created.authorization_request,
        /^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Aweb%3Averifier.example&request_uri=/,
      );
      // QR images by URL, as for offers (one shape for both).
      assert.equal(created.qr_svg, `${created.request_uri}/qr.svg`);
      assert.equal(created.qr_png, `${created.request_uri}/qr.png`);
      const svg = await t.app.inject({ method: 'GET', url: new URL(created.qr_svg).pathname });
      assert.equal(svg.statusCode, 200, svg.body);
      assert.equal(svg.headers['content-type'], 'image/svg+xml');
      assert.match(svg.body, /^<svg/);
      const png = await t.app.inject({ method: 'GET', url: new URL(created.qr_png).pathname });
      assert.equal(png.headers['content-type'], 'image/png');
      assert.deepEqual([...png.rawPayload.subarray(1, 4)], [0x50, 0x4e, 0x47]);
      const unknown = await t.app.inject({ method: 'GET', url: '/openid4vp/requests/AAAAAAAAAAAAAAAAAAAAAA/qr.svg' });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error, 'invalid_request_uri');
      const pending = (await read(created.id)).json<RequestView>();
      assert.equal(pending.status, 'pending');

      const resolved = await resolve(created.authorization_request);
      assert.equal(resolved.client.prefix, 'decentralized_identifier');
      assert.equal(resolved.jar?.sendBy, 'reference');
      assert.equal(resolved.client.effective, 'decentralized_identifier:did:web:verifier.example');
      assert.equal((resolved.authorizationRequestPayload as { response_mode: string }).response_mode, 'direct_post');
      assert.equal(
        (resolved.authorizationRequestPayload as unknown as { verifier_info: { data: { purpose: { en: string } } }[] }).verifier_info[0]!
          .data.purpose.en,
        'Identity check for opening an account',
      );

      // The wallet discloses more than asked (given_name): the result keeps only what was asked.
      const submitted = await answer(resolved, ['family_name', 'given_name', 'age_over_19']);
      assert.equal(submitted.response.status, 200);
      const first = (await read(created.id)).json<RequestView>();
      assert.equal(first.status, 'verified');
      const entry = first.result!.credentials.licence![0]!;
      assert.equal(entry.verdict, 'verified');
      assert.deepEqual(Object.keys(entry.claims!).sort(), ['age_over_19', 'family_name']);
      assert.equal(first.result!.receipts.length, 1);
      // Claim values are handed out once.
      const second = (await read(created.id)).json<RequestView>();
      assert.equal(second.status, 'verified');
      assert.ok(second.claims_read_at);
      assert.equal(second.result!.credentials.licence![0]!.claims, undefined);
    });

    it('POSTs the webhook when the answer arrives: signed by us, request id and verdict, no claim values', async () => {
      const hits: { type: string | undefined; body: string }[] = [];
      const hook = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          hits.push({ type: req.headers['content-type'], body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      try {
        const url = `http://localhost:${(hook.address() as AddressInfo).port}/hook`;
        const created = await createRequest({ webhook_url: url });
        await answer(await resolve(created.authorization_request), ['family_name', 'age_over_19']);
        for (let i = 0; hits.length === 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
        assert.equal(hits.length, 1, 'one webhook call');
        assert.equal(hits[0]!.type, 'application/jwt');
        const { kid } = decodeProtectedHeader(hits[0]!.body);
        const key = t.runtime.keys.verificationKey(String(kid));
        assert.ok(key, 'signed with one of our published keys');
        const { payload, protectedHeader } = await compactVerify(hits[0]!.body, await importJWK(key.jwk, key.alg));
        assert.equal(protectedHeader.typ, 'dproof-webhook+jwt');
        const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
        assert.deepEqual(Object.keys(claims).sort(), ['aud', 'iat', 'iss', 'request_id', 'status']);
        assert.equal(claims.iss, PUBLIC_URL);
        assert.equal(claims.request_id, created.id);
        assert.equal(claims.status, 'verified');
        assert.doesNotMatch(hits[0]!.body + JSON.stringify(claims), /family_name|age_over_19/);
      } finally {
        await new Promise((r) => hook.close(r));
      }
    });

    it('refuses a webhook URL that is relative, plain http to another host, or carries credentials, and stores no request', async () => {
      const count = () => rowCount(t, 'verifier_requests');
      const before = await count();
      for (const webhook_url of ['/hook', 'http://hooks.example/done', 'https://user:secret@hooks.example/done', 'javascript:alert(1)']) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/verifier/requests',
          headers: { authorization: `Bearer ${verifierKey}` },
          payload: { dcql_query: DCQL(t.runtime.catalog.get('driver-license')!.vct), webhook_url },
        });
        assert.equal(res.statusCode, 400, `${webhook_url}: ${res.body}`);
        assert.equal(res.json().code, 'invalid_webhook_url', webhook_url);
      }
      assert.equal(await count(), before);
    });

    it('only the verifier that asked can read the result; an issuer key cannot', async () => {
      const created = await createRequest();
      const other = await t.apiKey('verifier');
      assert.equal((await read(created.id, other)).statusCode, 404);
      const asIssuer = await read(created.id, issuerKey);
      assert.equal(asIssuer.statusCode, 403);
      assert.equal(asIssuer.json<{ code: string }>().code, 'wrong_role');
    });

    it('rejects a presentation bound to another nonce', async () => {
      const created = await createRequest();
      const resolved = await resolve(created.authorization_request);
      await answer(resolved, ['family_name', 'age_over_19'], { nonce: 'x'.repeat(22) });
      const view = (await read(created.id)).json<RequestView>();
      assert.equal(view.status, 'rejected');
      assert.equal(view.result!.code, 'kb_jwt_nonce_mismatch');
    });

    it('rejects a presentation missing an asked claim', async () => {
      const created = await createRequest();
      await answer(await resolve(created.authorization_request), ['family_name']);
      assert.equal((await read(created.id)).json<RequestView>().result!.code, 'claim_missing');
    });

    it('refuses a second answer to the same request (replayed direct_post) and leaves the first result', async () => {
      const created = await createRequest();
      const resolved = await resolve(created.authorization_request);
      const req = resolved.authorizationRequestPayload as { nonce: string; state: string };
      const { presentation } = await createHolderPresentation({
        credential,
        disclose: ['family_name', 'age_over_19'],
        holderSigner: holder.signer,
        aud: resolved.client.effective,
        nonce: req.nonce,
        iat: nowSeconds(),
      });
      const post = () =>
        t.app.inject({
          method: 'POST',
          url: '/openid4vp/response',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ vp_token: JSON.stringify({ licence: [presentation] }), state: req.state }).toString(),
        });
      assert.equal((await post()).statusCode, 200);
      const again = await post();
      assert.equal(again.statusCode, 400);
      assert.equal(again.json<{ error: string }>().error, 'invalid_request');
      assert.equal((await read(created.id)).json<RequestView>().status, 'verified');
    });

    it('refuses a direct_post with an unknown state', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `vp_token=%7B%7D&state=${'A'.repeat(22)}`,
      });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(Object.keys(res.json()).sort(), ['error', 'error_description']);
      assert.equal(res.json<{ error: string }>().error, 'invalid_request');
    });

    it('refuses the request object and the answer once the request has expired, and reports expired', async () => {
      const created = await createRequest();
      const resolved = await resolve(created.authorization_request);
      await t.runtime.store.db
        .updateTable('verifier_requests')
        .set({ expires_at: Date.now() - 1 })
        .where('id', '=', created.id)
        .execute();
      const obj = await t.app.inject({ method: 'GET', url: new URL(created.request_uri).pathname });
      assert.equal(obj.statusCode, 400);
      assert.equal(obj.json<{ error: string }>().error, 'invalid_request_uri');
      const late = await answer(resolved, ['family_name', 'age_over_19']);
      assert.equal(late.response.status, 400);
      assert.equal(((await late.response.json()) as { error: string }).error, 'invalid_request');
      assert.equal((await read(created.id)).json<RequestView>().status, 'expired');
    });

    it('reports a request whose answer was taken but never completed (its process stopped) as pending, then expired once past its time', async () => {
      const created = await createRequest();
      const takenAt = Date.now();
      assert.equal(await t.runtime.store.verifierRequests.take(created.id, takenAt), true);
      assert.equal((await read(created.id)).json<RequestView>().status, 'pending');
      const expiresAt = takenAt - ABANDONED_ANSWER_MS + 1000;
      await t.runtime.store.db.updateTable('verifier_requests').set({ expires_at: expiresAt }).where('id', '=', created.id).execute();
      assert.equal((await read(created.id)).json<RequestView>().status, 'pending', 'answer still in flight');
      await t.runtime.store.db
        .updateTable('verifier_requests')
        .set({ expires_at: takenAt - ABANDONED_ANSWER_MS - 1000, responded_at: takenAt - ABANDONED_ANSWER_MS - 1 })
        .where('id', '=', created.id)
        .execute();
      assert.equal((await read(created.id)).json<RequestView>().status, 'expired');
    });

    it('refuses a DCQL query asking for another format, with its code', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: { dcql_query: { credentials: [{ id: 'x', format: 'mso_mdoc', meta: {} }] } },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<{ code: string }>().code, 'invalid_dcql_query');
    });

    it('lists both submissions (OpenID4VP and counter) in the holder history, authenticated by the holder key, claim names only', async () => {
      const created = await createRequest();
      await answer(await resolve(created.authorization_request), ['family_name', 'age_over_19']);
      const { presentation } = await counterPresent(credential, holder, counterOf(t.app, verifierKey), ['age_over_19']);
      assert.equal(
        (await counterVerify(t.app, verifierKey, presentation, { claims: ['age_over_19'] })).json<{ verdict: string }>().verdict,
        'verified',
      );

      const token = await createHistoryToken({ holderSigner: holder.signer, aud: `${PUBLIC_URL}/v1/wallet/history`, iat: nowSeconds() });
      const res = await t.app.inject({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json<{
        items: { channel: string; claims: string[]; verdict: string; credential_type: string; purpose: unknown }[];
      }>().items;
      assert.ok(items.some((i) => i.channel === 'openid4vp' && i.verdict === 'verified' && i.claims.join() === 'family_name,age_over_19'));
      assert.ok(items.some((i) => i.channel === 'counter' && i.claims.join() === 'age_over_19'));
      assert.ok(items.every((i) => i.credential_type === 'driver-license'));
      assert.ok(!res.body.includes(String(t.runtime.catalog.get('driver-license')!.example.family_name)), 'no claim values in history');
      // The same token again: its jti was consumed.
      const again = await t.app.inject({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: `Bearer ${token}` } });
      assert.equal(again.statusCode, 401);
      assert.equal(again.json<{ code: string }>().code, 'history_token_reused');
      // Another key sees nothing of this holder.
      const stranger = await generateHolderKey();
      const theirs = await createHistoryToken({ holderSigner: stranger.signer, aud: `${PUBLIC_URL}/v1/wallet/history`, iat: nowSeconds() });
      assert.deepEqual(
        (await t.app.inject({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: `Bearer ${theirs}` } })).json<{
          items: unknown[];
        }>().items,
        [],
      );
      // A token for another endpoint is refused.
      const wrongAud = await createHistoryToken({ holderSigner: holder.signer, aud: 'https://elsewhere.example', iat: nowSeconds() });
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: `Bearer ${wrongAud}` } })).json<{
          code: string;
        }>().code,
        'history_token_aud_mismatch',
      );
    });
  });
}
