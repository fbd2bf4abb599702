/**
 * An mdoc over `direct_post.jwt` (OpenID4VP 1.0 §8.3, Annex B.2.6.1): the SessionTranscript's
 * OpenID4VPHandoverInfo names the JWK SHA-256 thumbprint of the verifier key the response was
 * encrypted to (`null` only for an unencrypted answer). Our wallet code and @auth0/mdl (a wallet
 * we did not write, in its own worker, its transcript computed apart from ours) answer; a
 * DeviceSignature over a transcript with `null`, or another key's thumbprint, is refused.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { injectFetch } from './helpers.js';
import { IndependentMdocParty, makeDeviceKey, makeDocumentSigner, makeIaca, MDL, MDL_NS } from '../formats/mdoc/mdoc-fixtures.js';
import { makeDocumentSigner as makeOwnDs, makeIaca as makeOwnIaca } from '../../src/keys/manage-mdoc-keys.js';
import { createWalletKey, publicJwkOf } from '../../src/wallet/create-wallet-key.js';
import { presentToVerifier } from '../../src/wallet/present-to-verifier.js';
import { encryptResponse, readResponseEncryption } from '../../src/holder/encrypt-response.js';
import type { Wallet } from '../../src/wallet/wallet-file.js';

const PUBLIC_URL = 'https://verifier.example';
const KR_MDL = 'kr.go.knpa.mdl.1';

type Obj = Record<string, unknown>;
interface Outcome {
  status: string;
  result?: { code: string; credentials: Record<string, { code: string; claims?: Obj }[]> };
}

for (const backend of storeTargets()) {
  describe(`mdoc over direct_post.jwt on ${backend}`, () => {
    let t: TestApp;
    let dir: string;
    let verifierKey: string;
    let party: IndependentMdocParty;
    let device: Awaited<ReturnType<typeof makeDeviceKey>>;
    let foreignMdoc: string;
    let wallet: Wallet;

    beforeAll(async () => {
      party = new IndependentMdocParty();
      const iaca = await makeIaca('CN=Test IACA, C=KR');
      const ds = await makeDocumentSigner(iaca);
      device = await makeDeviceKey();
      dir = mkdtempSync(join(tmpdir(), 'dproof-mdoc-jwt-'));
      writeFileSync(join(dir, 'iaca.pem'), iaca.pem);
      t = await startTestApp({ store: backend, env: { PUBLIC_URL, TRUSTED_IACA_CERTS: join(dir, 'iaca.pem') } });
      verifierKey = await t.apiKey('verifier');
      const issuerKey = await t.apiKey('issuer');
      foreignMdoc = await party.issue({ ds, deviceJwk: device.publicJwk });
      // Our own issuer: IACA and DS in the key ring, an mDL over the back office to the wallet's key.
      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
      await makeOwnIaca(deps, { country: 'KR', commonName: 'test IACA', uri: PUBLIC_URL });
      await makeOwnDs(deps, { country: 'KR', commonName: 'test DS', uri: PUBLIC_URL });
      await t.runtime.keys.refresh();
      const key = await createWalletKey(new Date());
      const type = t.runtime.catalog.get('driver-license')!;
      const issued = await t.app.inject({
        method: 'POST',
        url: '/v1/credentials',
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { type: type.id, claims: type.example, format: 'mso_mdoc', holder_jwk: publicJwkOf(key) },
      });
      assert.equal(issued.statusCode, 201, issued.body);
      wallet = {
        version: 1,
        created_at: new Date().toISOString(),
        keys: [key],
        credentials: [
          {
            id: 'm1',
            credential_issuer: PUBLIC_URL,
            credential_configuration_id: 'driver-license-mso-mdoc',
            format: 'mso_mdoc',
            kind: MDL,
            key: key.kid,
            credential: issued.json<{ credential: string }>().credential,
            received_at: new Date().toISOString(),
            expires_at: null,
          },
        ],
      };
    });
    afterAll(async () => {
      await party?.close();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const createRequest = async (claims: unknown[], responseMode = 'direct_post.jwt') => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: {
          dcql_query: { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims }] },
          response_mode: responseMode,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { id, authorization_request, request_uri } = res.json<{ id: string; authorization_request: string; request_uri: string }>();
      const ro = decodeJwt((await t.app.inject({ method: 'GET', url: new URL(request_uri).pathname })).body) as Obj;
      return { id, authorization_request, ro };
    };
    const read = async (id: string) =>
      (
        await t.app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${verifierKey}` } })
      ).json<Outcome>();

    const encKeyThumbprint = async (ro: Obj) => {
      const enc = readResponseEncryption(ro.client_metadata);
      assert.ok(enc.ok);
      return calculateJwkThumbprint(enc.encryption.jwk as JWK, 'sha256');
    };

    /**
     * @auth0/mdl answers a request with its own transcript (this thumbprint, or null), encrypted
     * to the request's key for direct_post.jwt, plain for direct_post.
     */
    const independentAnswerFor = async (req: Awaited<ReturnType<typeof createRequest>>, jkt: string | undefined) => {
      const vp = await party.present({
        mdoc: foreignMdoc,
        fields: [[MDL_NS, 'family_name']],
        deviceJwk: device.privateJwk,
        transcript: {
          clientId: req.ro.client_id as string,
          nonce: req.ro.nonce as string,
          responseUri: req.ro.response_uri as string,
          ...(jkt !== undefined && { jwkThumbprint: jkt }),
        },
      });
      const state = req.ro.state as string;
      let form: Record<string, string> = { vp_token: JSON.stringify({ mdl: [vp] }), state };
      if (req.ro.response_mode === 'direct_post.jwt') {
        const enc = readResponseEncryption(req.ro.client_metadata);
        assert.ok(enc.ok);
        form = { response: await encryptResponse({ vp_token: { mdl: [vp] }, state }, enc.encryption) };
      }
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
      assert.equal(res.statusCode, 200, res.body);
      return { outcome: await read(req.id) };
    };
    const independentAnswer = async (o: { jwkThumbprint?: string; responseMode?: string }) =>
      independentAnswerFor(await createRequest([{ path: [MDL_NS, 'family_name'] }], o.responseMode), o.jwkThumbprint);

    it('our wallet answers an encrypted request for our own mDL; the verifier reads exactly the asked elements', async () => {
      const req = await createRequest([{ path: [MDL_NS, 'family_name'] }, { path: [KR_MDL, 'age_over_19'] }]);
      assert.equal(req.ro.response_mode, 'direct_post.jwt');
      const out = await presentToVerifier(wallet, { link: req.authorization_request, fetch: injectFetch(t.app) });
      assert.equal(out.response.status, 'verified', JSON.stringify(out.response));
      const outcome = await read(req.id);
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
      assert.deepEqual(outcome.result?.credentials.mdl?.[0]?.claims, {
        [MDL_NS]: { family_name: t.runtime.catalog.get('driver-license')!.example.family_name },
        [KR_MDL]: { age_over_19: true },
      });
    });

    it('@auth0/mdl as the wallet: its transcript with the thumbprint of the encryption key is accepted', async () => {
      const req = await createRequest([{ path: [MDL_NS, 'family_name'] }]);
      const jkt = await encKeyThumbprint(req.ro);
      // The request's key, not one made per answer: a second request has another one.
      const other = await createRequest([{ path: [MDL_NS, 'family_name'] }]);
      assert.notEqual(await encKeyThumbprint(other.ro), jkt);
      const { outcome } = await independentAnswerFor(req, jkt);
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
      assert.deepEqual(outcome.result?.credentials.mdl?.[0]?.claims, { [MDL_NS]: { family_name: '홍' } });
    });

    it('refuses an encrypted answer whose transcript has null (as for direct_post) or another key’s thumbprint', async () => {
      const withNull = await independentAnswer({});
      assert.equal(withNull.outcome.status, 'rejected');
      assert.equal(withNull.outcome.result?.credentials.mdl?.[0]?.code, 'mdoc_device_signature_invalid');
      const req = await createRequest([{ path: [MDL_NS, 'family_name'] }]);
      const other = await createRequest([{ path: [MDL_NS, 'family_name'] }]);
      const { outcome } = await independentAnswerFor(req, await encKeyThumbprint(other.ro));
      assert.equal(outcome.status, 'rejected');
      assert.equal(outcome.result?.credentials.mdl?.[0]?.code, 'mdoc_device_signature_invalid');
    });

    it('refuses a plain direct_post answer whose transcript names a thumbprint (it must be null there)', async () => {
      const { outcome } = await independentAnswer({
        responseMode: 'direct_post',
        jwkThumbprint: Buffer.alloc(32, 7).toString('base64url'),
      });
      assert.equal(outcome.status, 'rejected');
      assert.equal(outcome.result?.credentials.mdl?.[0]?.code, 'mdoc_device_signature_invalid');
      // …and the same plain request answered with null verifies.
      const { outcome: ok } = await independentAnswer({ responseMode: 'direct_post' });
      assert.equal(ok.status, 'verified', JSON.stringify(ok));
    });
  });
}
