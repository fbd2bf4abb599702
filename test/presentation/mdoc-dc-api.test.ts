/**
 * An mdoc over the Digital Credentials API (OpenID4VP 1.0 Appendix A, Annex B.2.6.2): the
 * DeviceSignature is over the OpenID4VPDCAPIHandover SessionTranscript — the origin the request
 * was made for, its nonce and, for `dc_api.jwt`, the JWK SHA-256 thumbprint of the request's
 * encryption key (`null` for `dc_api`). The wallet is @auth0/mdl (a wallet we did not write, in its
 * own worker, its transcript computed apart from ours); the answer is what the verifier page hands
 * back to `POST /v1/verifier/requests/{id}/dc-api-response`. A DeviceSignature made for another
 * origin, nonce or key is refused `mdoc_device_signature_invalid`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { IndependentMdocParty, makeDeviceKey, makeDocumentSigner, makeIaca, MDL, MDL_NS } from '../formats/mdoc/mdoc-fixtures.js';
import { encryptResponse, readResponseEncryption } from '../../src/holder/encrypt-response.js';
import { createDcqlRequest, dcApiEntry, mdocQuery, postDcApiResponse, readRequestView } from './helpers.js';

const PUBLIC_URL = 'https://verifier.example';
const ORIGIN = 'https://verifier.example';
type Obj = Record<string, unknown>;

for (const backend of storeTargets()) {
  describe(`mdoc over the DC API on ${backend}`, () => {
    let t: TestApp;
    let dir: string;
    let verifierKey: string;
    let party: IndependentMdocParty;
    let device: Awaited<ReturnType<typeof makeDeviceKey>>;
    let mdoc: string;

    beforeAll(async () => {
      party = new IndependentMdocParty();
      const iaca = await makeIaca('CN=Test IACA, C=KR');
      const ds = await makeDocumentSigner(iaca);
      device = await makeDeviceKey();
      dir = mkdtempSync(join(tmpdir(), 'dproof-mdoc-dc-api-'));
      writeFileSync(join(dir, 'iaca.pem'), iaca.pem);
      t = await startTestApp({ store: backend, env: { PUBLIC_URL, TRUSTED_IACA_CERTS: join(dir, 'iaca.pem') } });
      verifierKey = await t.apiKey('verifier');
      mdoc = await party.issue({ ds, deviceJwk: device.publicJwk });
    });
    afterAll(async () => {
      await party?.close();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** A DC API request for one mDL element; the unsigned parameters are what the wallet reads. */
    const createDc = async (mode: 'dc_api' | 'dc_api.jwt') => {
      const c = await createDcqlRequest(t.app, verifierKey, mdocQuery(MDL, [[MDL_NS, 'family_name']]), { response_mode: mode });
      return { id: c.id, params: dcApiEntry(c, 'openid4vp-v1-unsigned').data };
    };
    const jktOf = async (params: Obj) => {
      const enc = readResponseEncryption(params.client_metadata);
      assert.ok(enc.ok);
      return calculateJwkThumbprint(enc.encryption.jwk as JWK, 'sha256');
    };
    /** @auth0/mdl signs over the DC API transcript it is given; the answer is encrypted to `to` when set. */
    const answer = async (
      req: { id: string; params: Obj },
      transcript: { origin: string; nonce: string; jwkThumbprint?: string },
      to?: Obj,
    ) => {
      const vp = await party.present({ mdoc, fields: [[MDL_NS, 'family_name']], deviceJwk: device.privateJwk, transcript });
      let data: Obj = { vp_token: { mdl: [vp] } };
      if (to) {
        const enc = readResponseEncryption(to.client_metadata);
        assert.ok(enc.ok);
        data = { response: await encryptResponse(data, enc.encryption) };
      }
      return handBack(req.id, data);
    };
    /** The page hands the data back; the verifier's result for the one mdoc. */
    const handBack = async (id: string, data: Obj) => {
      const res = await postDcApiResponse(t.app, verifierKey, id, data);
      assert.equal(res.statusCode, 200, res.body);
      const view = await readRequestView(t.app, verifierKey, id);
      return { status: view.status, code: view.result?.credentials.mdl?.[0]?.code, claims: view.result?.credentials.mdl?.[0]?.claims };
    };

    it('dc_api: a DeviceSignature over [origin, nonce, null] verifies and shows only the asked element', async () => {
      const req = await createDc('dc_api');
      const out = await answer(req, { origin: ORIGIN, nonce: req.params.nonce as string });
      assert.equal(out.status, 'verified', JSON.stringify(out));
      assert.deepEqual(out.claims, { [MDL_NS]: { family_name: '홍' } });
    });

    it('dc_api: one made for another origin, another nonce, or naming a key the plain answer was not encrypted to is refused', async () => {
      for (const wrong of [
        (nonce: string) => ({ origin: 'https://evil.example', nonce }),
        // The origin written as a KB-JWT audience: B.2.6.2 wants it bare.
        (nonce: string) => ({ origin: `origin:${ORIGIN}`, nonce }),
        () => ({ origin: ORIGIN, nonce: 'another-nonce-0123456789abcdef' }),
        (nonce: string) => ({ origin: ORIGIN, nonce, jwkThumbprint: Buffer.alloc(32, 7).toString('base64url') }),
      ]) {
        const req = await createDc('dc_api');
        const out = await answer(req, wrong(req.params.nonce as string));
        assert.equal(out.status, 'rejected');
        assert.equal(out.code, 'mdoc_device_signature_invalid');
      }
    });

    it("dc_api.jwt: the transcript names the thumbprint of the request's encryption key; null or another request's key is refused", async () => {
      const req = await createDc('dc_api.jwt');
      const ok = await answer(
        req,
        { origin: ORIGIN, nonce: req.params.nonce as string, jwkThumbprint: await jktOf(req.params) },
        req.params,
      );
      assert.equal(ok.status, 'verified', JSON.stringify(ok));
      assert.deepEqual(ok.claims, { [MDL_NS]: { family_name: '홍' } });

      const withNull = await createDc('dc_api.jwt');
      const nul = await answer(withNull, { origin: ORIGIN, nonce: withNull.params.nonce as string }, withNull.params);
      assert.equal(nul.code, 'mdoc_device_signature_invalid');

      const a = await createDc('dc_api.jwt');
      const other = await createDc('dc_api.jwt');
      const wrongKey = await answer(
        a,
        { origin: ORIGIN, nonce: a.params.nonce as string, jwkThumbprint: await jktOf(other.params) },
        a.params,
      );
      assert.equal(wrongKey.status, 'rejected');
      assert.equal(wrongKey.code, 'mdoc_device_signature_invalid');
    });

    it('an mdoc signed over the redirect handover (OpenID4VPHandover) does not answer a DC API request', async () => {
      const req = await createDc('dc_api');
      const vp = await party.present({
        mdoc,
        fields: [[MDL_NS, 'family_name']],
        deviceJwk: device.privateJwk,
        transcript: { clientId: `origin:${ORIGIN}`, nonce: req.params.nonce as string, responseUri: ORIGIN },
      });
      assert.equal((await handBack(req.id, { vp_token: { mdl: [vp] } })).code, 'mdoc_device_signature_invalid');
    });
  });
}
