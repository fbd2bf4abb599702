/**
 * X.509 verifier identity (OpenID4VP 1.0 §5.9.3, HAIP 1.0): request objects signed with an x5c
 * chain under x509_san_dns and x509_hash, answered by an independent wallet library
 * (@openid4vc/openid4vp) with direct_post; request_uri_method=post with wallet_nonce; a wrong
 * hash or a SAN that does not match is refused by the library; bad requests get their codes.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { generateHolderKey, injectFetch, issueViaApi, nowSeconds } from './helpers.js';
import { devIdentityWallet, libraryWallet } from './x509-library-wallet.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import {
  createVerifierIdentity,
  importVerifierChain,
  retireVerifierIdentity,
  SERVICE_OWNER,
} from '../../src/presentation/x509-identity/manage-verifier-identities.js';
import { createDevChain, toPem } from '../../src/presentation/x509-identity/create-certificates.js';
import { generateKeyPairSync } from 'node:crypto';
import { checkCertificateChain } from '../../src/formats/x509/check-certificate-chain.js';
import { signCompactJws } from '../../src/formats/jose/sign-compact-jws.js';

const PUBLIC_URL = 'https://verifier.example';
const DCQL = (vct: string) => ({
  credentials: [{ id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['age_over_19'] }] }],
});

for (const backend of storeTargets()) {
  describe(`X.509 verifier identity (${backend})`, () => {
    let t: TestApp;
    let verifierKey: string;
    let holder: HolderKey;
    let credential: string;
    let anchor: X509Certificate;
    let wallet: Openid4vpClient;
    let fetch: ReturnType<typeof injectFetch>;
    let x509Hash: string;

    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { PUBLIC_URL } });
      verifierKey = await t.apiKey('verifier');
      const issuerKey = await t.apiKey('issuer');
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, issuerKey, 'driver-license', holder));
      ({ anchor, x509Hash, fetch, wallet } = await devIdentityWallet(t));
    });
    afterAll(async () => t?.close());

    const createRequest = async (body: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: {
          dcql_query: DCQL(t.runtime.catalog.get('driver-license')!.vct),
          purpose: { ko: '주류 판매 연령 확인', en: 'Age check for alcohol' },
          ...body,
        },
      });
    const created = async (body: Record<string, unknown>) => {
      const res = await createRequest(body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string; authorization_request: string; request_uri: string }>();
    };

    const resolveWith = async (w: Openid4vpClient, link: string) => {
      const parsed = w.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link });
      return w.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params as never });
    };

    const answerAndRead = async (id: string, resolved: Awaited<ReturnType<typeof resolveWith>>) => {
      const encrypted = (resolved.authorizationRequestPayload as { response_mode?: string }).response_mode === 'direct_post.jwt';
      const jarm = encrypted
        ? ({
            serverMetadata: {
              authorization_encryption_alg_values_supported: ['ECDH-ES'],
              authorization_encryption_enc_values_supported: ['A256GCM', 'A128GCM'],
            },
            encryption: { nonce: 'wallet-nonce-1' },
          } as never)
        : null;
      const req = resolved.authorizationRequestPayload as { nonce: string };
      const { presentation } = await createHolderPresentation({
        credential,
        disclose: ['age_over_19'],
        holderSigner: holder.signer,
        aud: resolved.client.effective,
        nonce: req.nonce,
        iat: nowSeconds(),
      });
      const response = await wallet.createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        authorizationResponsePayload: { vp_token: { licence: [presentation] } },
        ...(encrypted ? { jarm: jarm as never } : {}),
      });
      const submitted = await wallet.submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as never,
        authorizationResponsePayload: response.authorizationResponsePayload,
        ...(response.jarm && { jarm: response.jarm as never }),
      });
      assert.equal(submitted.response.status, 200);
      const read = await t.app.inject({
        method: 'GET',
        url: `/v1/verifier/requests/${id}`,
        headers: { authorization: `Bearer ${verifierKey}` },
      });
      return read.json<{ status: string; result: { code: string } }>();
    };

    it('x509_san_dns + direct_post: the library checks SAN and response_uri host, the KB-JWT aud is the x509 client_id, verified', async () => {
      const req = await created({ client_id_prefix: 'x509_san_dns' });
      assert.match(req.authorization_request, /client_id=x509_san_dns%3Averifier\.example&/);
      const resolved = await resolveWith(wallet, req.authorization_request);
      assert.equal(resolved.client.prefix, 'x509_san_dns');
      assert.equal(resolved.client.effective, 'x509_san_dns:verifier.example');
      const payload = resolved.authorizationRequestPayload as Record<string, unknown>;
      // Standard metadata any wallet shows: client_metadata.client_name and the purpose in verifier_info.
      const meta = payload.client_metadata as { client_name: string; vp_formats_supported: Record<string, unknown> };
      assert.ok(meta.client_name.length > 0);
      assert.ok(Object.keys(meta.vp_formats_supported).includes('dc+sd-jwt'));
      const info = payload.verifier_info as { format: string; data: { purpose: { en: string } } }[];
      assert.equal(info[0]!.data.purpose.en, 'Age check for alcohol');
      assert.equal(payload.dproof_purpose, undefined);
      const view = await answerAndRead(req.id, resolved);
      assert.equal(view.status, 'verified', JSON.stringify(view));
    });

    it('x509_hash + direct_post: the client_id is the SHA-256 of the leaf DER, the trust anchor is not in x5c, verified', async () => {
      const req = await created({ client_id_prefix: 'x509_hash' });
      const jwt = await (await fetch(req.request_uri)).text();
      const header = decodeProtectedHeader(jwt);
      assert.equal(header.typ, 'oauth-authz-req+jwt');
      assert.equal(header.x5c!.length, 1);
      const leaf = Buffer.from(header.x5c![0]!, 'base64');
      assert.equal(createHash('sha256').update(leaf).digest('base64url'), x509Hash);
      assert.ok(!header.x5c!.includes(anchor.raw.toString('base64')), 'HAIP: no trust anchor in x5c');
      const resolved = await resolveWith(wallet, req.authorization_request);
      assert.equal(resolved.client.effective, `x509_hash:${x509Hash}`);
      const view = await answerAndRead(req.id, resolved);
      assert.equal(view.status, 'verified', JSON.stringify(view));
    });

    it('x509_hash and x509_san_dns + direct_post.jwt: the library encrypts its answer to the request key, verified', async () => {
      for (const prefix of ['x509_hash', 'x509_san_dns']) {
        const req = await created({ client_id_prefix: prefix, response_mode: 'direct_post.jwt' });
        const resolved = await resolveWith(wallet, req.authorization_request);
        assert.equal(resolved.client.prefix, prefix);
        assert.equal((resolved.authorizationRequestPayload as { response_mode: string }).response_mode, 'direct_post.jwt');
        const view = await answerAndRead(req.id, resolved);
        assert.equal(view.status, 'verified', JSON.stringify(view));
      }
    });

    it('a presentation bound to the did:web client_id does not answer an x509 request (aud is the x509 client_id)', async () => {
      const req = await created({ client_id_prefix: 'x509_hash' });
      const resolved = await resolveWith(wallet, req.authorization_request);
      const { presentation } = await createHolderPresentation({
        credential,
        disclose: ['age_over_19'],
        holderSigner: holder.signer,
        aud: 'decentralized_identifier:did:web:verifier.example',
        nonce: (resolved.authorizationRequestPayload as { nonce: string }).nonce,
        iat: nowSeconds(),
      });
      const state = (resolved.authorizationRequestPayload as { state: string }).state;
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ vp_token: JSON.stringify({ licence: [presentation] }), state }).toString(),
      });
      assert.equal(res.json<{ status: string }>().status, 'rejected');
      const read = await t.app.inject({
        method: 'GET',
        url: `/v1/verifier/requests/${req.id}`,
        headers: { authorization: `Bearer ${verifierKey}` },
      });
      assert.equal(read.json<{ result: { code: string } }>().result.code, 'kb_jwt_aud_mismatch');
    });

    it('the library refuses a request object whose x509_hash is not the hash of its leaf, and one whose SAN does not match', async () => {
      const req = await created({ client_id_prefix: 'x509_hash' });
      const jwt = await (await fetch(req.request_uri)).text();
      const header = decodeProtectedHeader(jwt);
      const rec = (await t.runtime.store.verifierIdentities.byHash(x509Hash))!;
      const signer = await t.runtime.keyStore.load({ kid: rec.id, file: rec.key_file, alg: 'ES256' });
      // The verifier's own key and chain, but a client_id that names another certificate / host.
      const forge = async (clientId: string) => {
        const payload = { ...(decodeJwt(jwt) as Record<string, unknown>), client_id: clientId } as never;
        const forged = await signCompactJws({ typ: 'oauth-authz-req+jwt', x5c: header.x5c! }, payload, signer);
        const forgedFetch = (async (input: string | URL | Request, init?: RequestInit) =>
          String(input) === req.request_uri
            ? new Response(forged, { status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt' } })
            : fetch(input, init)) as typeof fetch;
        const link = `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(req.request_uri)}`;
        return resolveWith(libraryWallet(forgedFetch, [anchor]), link);
      };
      await assert.rejects(forge(`x509_hash:${'A'.repeat(43)}`), /hash of the leaf x5c certificate/);
      await assert.rejects(forge('x509_san_dns:bank.example'), /san dns names/);
    });

    it('import refuses bad chains with stable codes and leaves the identity pending', async () => {
      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
      const pending = await createVerifierIdentity(deps, { owner: SERVICE_OWNER, dnsName: 'verifier.example', mode: 'csr' });
      const id = pending.identity.id;
      const code = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e) {
          return (e as { code?: string }).code;
        }
        return 'accepted';
      };
      const jwk = JSON.parse(pending.identity.public_jwk) as JWK;
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
      const now = Date.now();
      const pem = (c: { x5c: Uint8Array[]; anchor: Uint8Array }) => [...c.x5c, c.anchor].map(toPem).join('\n');
      assert.equal(await code(importVerifierChain(deps, id, 'no certificate here')), 'certificate_invalid');
      assert.equal(
        await code(importVerifierChain(deps, id, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')),
        'certificate_invalid',
      );
      const strangers = await createDevChain({ publicJwk: stranger, dnsName: 'verifier.example', now });
      assert.equal(await code(importVerifierChain(deps, id, pem(strangers))), 'certificate_key_mismatch');
      const otherHost = await createDevChain({ publicJwk: jwk, dnsName: 'bank.example', now });
      assert.equal(await code(importVerifierChain(deps, id, pem(otherHost))), 'certificate_san_missing');
      const old = await createDevChain({ publicJwk: jwk, dnsName: 'verifier.example', now: now - 400 * 86_400_000 });
      assert.equal(await code(importVerifierChain(deps, id, pem(old))), 'certificate_expired');
      const a = await createDevChain({ publicJwk: jwk, dnsName: 'verifier.example', now });
      const b = await createDevChain({ publicJwk: jwk, dnsName: 'verifier.example', now });
      assert.equal(await code(importVerifierChain(deps, id, pem({ x5c: a.x5c, anchor: b.anchor }))), 'certificate_chain_invalid');
      assert.equal((await t.runtime.store.verifierIdentities.get(id))?.state, 'pending');
      assert.equal(await code(importVerifierChain(deps, 'nope', pem(a))), 'verifier_identity_not_found');
      assert.equal(
        await code(retireVerifierIdentity(deps, (await t.runtime.store.verifierIdentities.active(SERVICE_OWNER))!.id)),
        'verifier_identity_state',
      );
      assert.equal(await code(retireVerifierIdentity(deps, id)), 'accepted');
      assert.equal(await code(importVerifierChain(deps, id, pem(a))), 'verifier_identity_state');
    });

    it('a wallet trusts only its own anchors: a self-signed root carried in the chain proves nothing', async () => {
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
      const now = Date.now();
      const forged = await createDevChain({ publicJwk: jwk, dnsName: 'verifier.example', now });
      const code = (f: () => unknown) => {
        try {
          f();
          return 'accepted';
        } catch (e) {
          return (e as { code?: string }).code;
        }
      };
      assert.equal(
        code(() => checkCertificateChain([...forged.x5c, forged.anchor], { now, anchors: [anchor.raw] })),
        'certificate_chain_invalid',
      );
      assert.equal(
        code(() => checkCertificateChain(forged.x5c, { now, anchors: [anchor.raw] })),
        'certificate_chain_invalid',
      );
      assert.equal(
        code(() => checkCertificateChain([forged.anchor], { now, anchors: [forged.anchor] })),
        'certificate_chain_invalid',
      );
      assert.equal(
        code(() => checkCertificateChain([...forged.x5c, forged.anchor], { now, anchors: [forged.anchor] })),
        'accepted',
      );
      assert.equal(
        code(() => checkCertificateChain(forged.x5c, { now, anchors: [forged.anchor] })),
        'accepted',
      );
    });

    it('takes parsed anchors as well as DER, names the anchor the chain leads to, and holds through notAfter inclusive', async () => {
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
      const now = Date.now();
      const dev = await createDevChain({ publicJwk: jwk, dnsName: 'verifier.example', now });
      const root = new X509Certificate(dev.anchor);
      const checked = checkCertificateChain(dev.x5c, { now, anchors: [anchor, root] });
      assert.equal(checked.trustedBy, 1);
      assert.equal(checkCertificateChain(dev.x5c, { now, anchors: [anchor.raw, dev.anchor] }).trustedBy, 1);
      // RFC 5280 §4.1.2.5: the validity period includes notAfter.
      assert.equal(checkCertificateChain(dev.x5c, { now: checked.notAfter, anchors: [root] }).trustedBy, 0);
      assert.throws(() => checkCertificateChain(dev.x5c, { now: checked.notAfter + 1, anchors: [root] }), { code: 'certificate_expired' });
      // The self-signed root as its own "leaf" is refused, with caLeaf or without.
      assert.throws(() => checkCertificateChain([dev.anchor], { now, anchors: [root], caLeaf: true }), {
        code: 'certificate_chain_invalid',
      });
    });

    it('request_uri_method=post: the request object carries the wallet_nonce the wallet posted; get still works', async () => {
      const req = await created({ client_id_prefix: 'x509_hash', request_uri_method: 'post' });
      assert.match(req.authorization_request, /&request_uri_method=post$/);
      const posted = await t.app.inject({
        method: 'POST',
        url: new URL(req.request_uri).pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          wallet_metadata: JSON.stringify({
            vp_formats_supported: { 'dc+sd-jwt': {} },
            request_object_signing_alg_values_supported: ['ES256'],
          }),
          wallet_nonce: 'qPmxiNFCR3QTm19POc8u',
        }).toString(),
      });
      assert.equal(posted.statusCode, 200, posted.body);
      assert.equal(posted.headers['content-type'], 'application/oauth-authz-req+jwt');
      assert.equal(decodeJwt(posted.body).wallet_nonce, 'qPmxiNFCR3QTm19POc8u');
      // The library fetches with POST too, and completes.
      const resolved = await resolveWith(wallet, req.authorization_request);
      assert.equal(resolved.jar?.sendBy, 'reference');
      assert.equal((await answerAndRead(req.id, resolved)).status, 'verified');
    });

    it('refuses bad inputs with stable codes: unknown prefix, oversized or non-JSON wallet_metadata, a wallet without ES256', async () => {
      const bad = await createRequest({ client_id_prefix: 'redirect_uri' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json<{ code: string }>().code, 'invalid_client_id_prefix');
      const req = await created({ request_uri_method: 'post' });
      const post = (form: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: new URL(req.request_uri).pathname,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(form).toString(),
        });
      const big = await post({ wallet_metadata: JSON.stringify({ x: 'a'.repeat(9000) }) });
      assert.equal(big.statusCode, 400);
      assert.equal(big.json<{ error: string }>().error, 'invalid_request');
      const huge = await post({ wallet_metadata: 'a'.repeat(40_000) });
      assert.equal(huge.statusCode, 413);
      const notJson = await post({ wallet_metadata: '[1,2' });
      assert.equal(notJson.json<{ error: string }>().error, 'invalid_request');
      const noEs256 = await post({ wallet_metadata: JSON.stringify({ request_object_signing_alg_values_supported: ['PS256'] }) });
      assert.equal(noEs256.statusCode, 400);
      assert.equal(noEs256.json<{ error: string }>().error, 'invalid_request');
      const noPrefix = await post({ wallet_metadata: JSON.stringify({ client_id_prefixes_supported: ['x509_hash'] }) });
      assert.equal(noPrefix.statusCode, 400);
      assert.match(noPrefix.json<{ error_description: string }>().error_description, /decentralized_identifier/);
      const okPrefix = await post({ wallet_metadata: JSON.stringify({ client_id_prefixes_supported: ['decentralized_identifier'] }) });
      assert.equal(okPrefix.statusCode, 200, okPrefix.body);
      const badNonce = await post({ wallet_nonce: 'with space' });
      assert.equal(badNonce.json<{ error: string }>().error, 'invalid_request');
      const json = await t.app.inject({ method: 'POST', url: new URL(req.request_uri).pathname, payload: { wallet_nonce: 'x' } });
      assert.equal(json.statusCode >= 400 && json.statusCode < 500, true);
    });

    it('the library refuses an x5c chain that does not lead to its trust anchor', async () => {
      const other = await createVerifierIdentity(
        { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' },
        { owner: await clientIdOf(t, verifierKey), dnsName: 'verifier.example', mode: 'dev' },
      );
      const req = await created({ client_id_prefix: 'x509_san_dns' });
      // This client now has its own identity, under another development root than the wallet trusts.
      const jwt = await (await fetch(req.request_uri)).text();
      assert.equal(decodeProtectedHeader(jwt).kid, other.identity.id);
      await assert.rejects(resolveWith(wallet, req.authorization_request));
      await assert.doesNotReject(resolveWith(libraryWallet(fetch, [new X509Certificate(other.anchorPem!)]), req.authorization_request));
    });
  });
}

async function clientIdOf(t: TestApp, key: string): Promise<string> {
  const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
  return me.json<{ id: string }>().id;
}
