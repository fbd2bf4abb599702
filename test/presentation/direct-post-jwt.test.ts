/**
 * response_mode direct_post.jwt (OpenID4VP 1.0 §8.3, HAIP 1.0 §5): the request object carries an
 * ephemeral P-256 ECDH-ES key of its own; the answer is a JWE to it. Driven by an independent
 * wallet library (@openid4vc/openid4vp, did:web) and by our CLI wallet's code, with real crypto,
 * real HTTP (inject) and a real store. Every refusal is asserted by its code, and leaves the
 * request answerable.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { CompactEncrypt, decodeJwt, importJWK, type JWK } from 'jose';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  ageOver19Query,
  cliWalletWithDriverLicense,
  createDcqlRequest,
  injectFetch,
  presentTo,
  readRequestView,
  verifyJwtWithDidDocument,
} from './helpers.js';
import { holderSignerFromJwk } from '../../src/wallet/holder-key.js';
import { presentToVerifier } from '../../src/wallet/present-to-verifier.js';
import type { Wallet } from '../../src/wallet/wallet-file.js';
import { purgeExpiredState } from '../../src/purge-expired-state.js';

const PUBLIC_URL = 'https://verifier.example';

type Obj = Record<string, unknown>;
interface EncKey extends JWK {
  kid: string;
}

for (const backend of storeTargets()) {
  describe(`direct_post.jwt (${backend})`, () => {
    let t: TestApp;
    let verifierKey: string;
    let wallet: Wallet;
    let credential: string;
    let holderSign: Awaited<ReturnType<typeof holderSignerFromJwk>>;
    let lib: Openid4vpClient;
    let vct: string;
    const fetch = () => injectFetch(t.app);

    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { PUBLIC_URL } });
      verifierKey = await t.apiKey('verifier');
      const issuerKey = await t.apiKey('issuer');
      const held = await cliWalletWithDriverLicense(t, issuerKey, PUBLIC_URL);
      ({ wallet, credential, vct } = held);
      holderSign = await holderSignerFromJwk(held.key.jwk);
      const f = fetch();
      lib = new Openid4vpClient({
        callbacks: {
          fetch: f as never,
          hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
          verifyJwt: verifyJwtWithDidDocument(f, PUBLIC_URL),
          // The library's JWE step: ECDH-ES to the verifier's key, apu/apv as the library sets them.
          encryptJwe: async (e: { publicJwk: EncKey; alg: string; enc: string; apu?: string; apv?: string }, data: string) => {
            const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
              .setProtectedHeader({ alg: e.alg, enc: e.enc, kid: e.publicJwk.kid })
              .setKeyManagementParameters({
                ...(e.apu && { apu: Buffer.from(e.apu, 'base64url') }),
                ...(e.apv && { apv: Buffer.from(e.apv, 'base64url') }),
              })
              .encrypt(await importJWK(e.publicJwk, e.alg));
            return { jwe, encryptionJwk: e.publicJwk };
          },
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

    const createRequest = (responseMode = 'direct_post.jwt') =>
      createDcqlRequest(t.app, verifierKey, ageOver19Query(vct), { response_mode: responseMode });
    const requestObject = async (uri: string): Promise<Obj> => {
      const res = await t.app.inject({ method: 'GET', url: new URL(uri).pathname });
      assert.equal(res.statusCode, 200, res.body);
      return decodeJwt(res.body) as Obj;
    };
    const encKeyOf = (ro: Obj) => ((ro.client_metadata as Obj).jwks as { keys: EncKey[] }).keys[0]!;
    const read = (id: string) => readRequestView(t.app, verifierKey, id);
    const post = (form: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
    const presentation = (ro: Obj, o: { aud?: string } = {}) =>
      presentTo(credential, holderSign, o.aud ?? (ro.client_id as string), ro.nonce as string);
    const encryptTo = async (key: JWK, payload: Obj, header: Obj = {}) =>
      new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid, ...header })
        .encrypt(await importJWK(key, 'ECDH-ES'));

    it('puts an ephemeral P-256 ECDH-ES key and both HAIP enc values in client_metadata, beside vp_formats_supported', async () => {
      const created = await createRequest();
      const ro = await requestObject(created.request_uri);
      assert.equal(ro.response_mode, 'direct_post.jwt');
      const meta = ro.client_metadata as Obj;
      assert.deepEqual(meta.encrypted_response_enc_values_supported, ['A128GCM', 'A256GCM']);
      assert.ok(meta.vp_formats_supported);
      const key = encKeyOf(ro);
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      assert.equal(key.use, 'enc');
      assert.equal(key.alg, 'ECDH-ES');
      // One key per request, never reused.
      const other = encKeyOf(await requestObject((await createRequest()).request_uri));
      assert.notEqual(other.kid, key.kid);
      assert.notEqual(other.x, key.x);
      // At rest: public half in clear, private half only sealed (AES-256-GCM), no `d` anywhere.
      const row = await t.runtime.store.responseKeys.byRequest(created.id);
      assert.ok(row?.sealed_key?.startsWith('v1.'));
      assert.ok(!row?.public_jwk?.includes('"d"'));
      // A plain direct_post request has neither.
      const plain = await requestObject((await createRequest('direct_post')).request_uri);
      assert.equal(plain.response_mode, 'direct_post');
      assert.equal((plain.client_metadata as Obj).jwks, undefined);
    });

    it('an independent wallet library (did:web) answers with an encrypted response: verified, and the key is deleted', async () => {
      const created = await createRequest();
      const parsed = lib.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.authorization_request });
      const resolved = await lib.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params as never });
      const req = resolved.authorizationRequestPayload as Obj;
      const vp = await presentation(req, { aud: resolved.client.effective });
      const response = await lib.createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        authorizationResponsePayload: { vp_token: { licence: [vp] }, state: req.state } as never,
        jarm: {
          serverMetadata: {
            authorization_encryption_alg_values_supported: ['ECDH-ES'],
            authorization_encryption_enc_values_supported: ['A256GCM', 'A128GCM'],
          },
          // The library sets apu from this wallet nonce and apv from the request nonce (ECDH-ES KDF inputs).
          encryption: { nonce: 'wallet-nonce-1' },
        } as never,
      });
      const jweHeader = JSON.parse(Buffer.from(response.jarm!.responseJwt.split('.')[0]!, 'base64url').toString()) as Obj;
      // apu/apv are KDF inputs (OpenID4VP §8.3 note): accepted as the library sets them, bound by the AEAD tag.
      assert.equal(Buffer.from(jweHeader.apv as string, 'base64url').toString(), req.nonce);
      assert.ok(jweHeader.apu);
      const sent = await lib.submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as never,
        authorizationResponsePayload: response.authorizationResponsePayload,
        jarm: response.jarm as never,
      });
      assert.equal((sent.response as Response).status, 200);
      const view = await read(created.id);
      assert.equal(view.status, 'verified');
      assert.deepEqual(view.result?.credentials.licence?.[0]?.claims, { age_over_19: true });
      assert.equal(await t.runtime.store.responseKeys.byRequest(created.id), undefined);
    });

    it('our CLI wallet encrypts when asked (A256GCM, the key’s kid) and the verifier reads a verified result', async () => {
      const created = await createRequest();
      const out = await presentToVerifier(wallet, { link: created.authorization_request, fetch: fetch() as typeof globalThis.fetch });
      assert.equal(out.response.status, 'verified');
      assert.equal((await read(created.id)).status, 'verified');
    });

    it("reads the request's key row once per encrypted answer (by its kid), not again by request", async () => {
      const created = await createRequest();
      const keys = t.runtime.store.responseKeys;
      const { byKid, byRequest } = keys;
      const reads: string[] = [];
      keys.byKid = (kid) => (reads.push('byKid'), byKid(kid));
      keys.byRequest = (id) => (reads.push('byRequest'), byRequest(id));
      try {
        const out = await presentToVerifier(wallet, { link: created.authorization_request, fetch: fetch() as typeof globalThis.fetch });
        assert.equal(out.response.status, 'verified');
        // The request object read its row once (client_metadata); the answer only by kid.
        assert.deepEqual(reads, ['byRequest', 'byKid']);
      } finally {
        Object.assign(keys, { byKid, byRequest });
      }
    });

    it('refuses an unencrypted vp_token when encryption was asked, and stays answerable', async () => {
      const created = await createRequest();
      const ro = await requestObject(created.request_uri);
      const res = await post({ vp_token: JSON.stringify({ licence: [await presentation(ro)] }), state: ro.state as string });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<{ error: string }>().error, 'response_encryption_required');
      assert.equal((await read(created.id)).status, 'pending');
      const ok = await post({
        response: await encryptTo(encKeyOf(ro), { vp_token: { licence: [await presentation(ro)] }, state: ro.state }),
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await read(created.id)).status, 'verified');
    });

    it('accepts a plain error answer (§8.3.1: a wallet that cannot encrypt MAY send an error unencrypted)', async () => {
      const created = await createRequest();
      const ro = await requestObject(created.request_uri);
      const res = await post({ error: 'access_denied', state: ro.state as string });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await read(created.id)).result?.code, 'wallet_access_denied');
    });

    it('refuses other algorithms, a bad epk, an unknown kid, a wrong key and malformed JWEs, each with its code', async () => {
      const created = await createRequest();
      const ro = await requestObject(created.request_uri);
      const key = encKeyOf(ro);
      const payload = { vp_token: { licence: [await presentation(ro)] }, state: ro.state };
      const codeOf = async (response: string) => {
        const res = await post({ response });
        assert.equal(res.statusCode, 400, res.body);
        return res.json<{ error: string }>().error;
      };
      // alg ECDH-ES+A128KW and enc A128CBC-HS256 are not what HAIP and this request allow.
      const kw = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A256GCM', kid: key.kid })
        .encrypt(await importJWK(key, 'ECDH-ES+A128KW'));
      assert.equal(await codeOf(kw), 'response_jwe_malformed'); // it has an encrypted key segment
      const kwHeader = JSON.parse(Buffer.from(kw.split('.')[0]!, 'base64url').toString()) as Obj;
      assert.equal(await codeOf(forged({ ...kwHeader }, '')), 'response_jwe_alg_not_allowed');
      assert.equal(await codeOf(await encryptTo(key, payload, { enc: 'A128CBC-HS256' })), 'response_jwe_alg_not_allowed');
      assert.equal(
        await codeOf(forged({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid, zip: 'DEF', epk: realEpk() })),
        'response_jwe_alg_not_allowed',
      );
      // epk off the curve (invalid-curve attack), on another curve, or with a private member.
      const epk = realEpk();
      const offCurve = { ...epk, y: flip(epk.y) };
      assert.equal(await codeOf(forged({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid, epk: offCurve })), 'response_jwe_epk_invalid');
      assert.equal(
        await codeOf(forged({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid, epk: { kty: 'OKP', crv: 'X25519', x: epk.x } })),
        'response_jwe_epk_invalid',
      );
      assert.equal(await codeOf(forged({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid })), 'response_jwe_epk_invalid');
      // kid: missing, unknown (another verifier's key), or a path-shaped string.
      assert.equal(await codeOf(await encryptTo({ ...key, kid: undefined } as never, payload)), 'response_jwe_kid_unknown');
      const stranger = strangerKey();
      assert.equal(await codeOf(await encryptTo(stranger, payload)), 'response_jwe_kid_unknown');
      assert.equal(await codeOf(forged({ alg: 'ECDH-ES', enc: 'A256GCM', kid: '../../x', epk })), 'response_jwe_kid_unknown');
      // Our kid, but encrypted to someone else's key (or tampered): does not decrypt.
      assert.equal(await codeOf(await encryptTo({ ...stranger, kid: key.kid }, payload)), 'response_jwe_decrypt_failed');
      const good = await encryptTo(key, payload);
      const parts = good.split('.');
      parts[3] = flip(parts[3]!);
      assert.equal(await codeOf(parts.join('.')), 'response_jwe_decrypt_failed');
      // Shapes: four segments, non-base64url, a JSON array payload, state beside the JWE.
      assert.equal(await codeOf(good.split('.').slice(0, 4).join('.')), 'response_jwe_malformed');
      assert.equal(await codeOf(good.replace(/\.[^.]+$/, '.!!')), 'response_jwe_malformed');
      assert.equal(
        await codeOf(
          await new CompactEncrypt(new TextEncoder().encode('[1]'))
            .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: key.kid })
            .encrypt(await importJWK(key, 'ECDH-ES')),
        ),
        'response_payload_invalid',
      );
      // Bytes that are not UTF-8 (RFC 8259 §8.1): in the protected header (a kid that would
      // otherwise read as U+FFFD and be looked up), and in the decrypted payload.
      const badHeader = Buffer.concat([
        Buffer.from(`{"alg":"ECDH-ES","enc":"A256GCM","epk":${JSON.stringify(realEpk())},"kid":"`),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ]).toString('base64url');
      assert.equal(await codeOf([badHeader, ...forged({}).split('.').slice(1)].join('.')), 'response_jwe_malformed');
      assert.equal(
        await codeOf(
          await new CompactEncrypt(Buffer.concat([Buffer.from('{"state":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]))
            .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: key.kid })
            .encrypt(await importJWK(key, 'ECDH-ES')),
        ),
        'response_payload_invalid',
      );
      // A payload that is UTF-8 JSON but breaks a strict-JSON rule is told which rule.
      for (const [text, rule] of [
        ['{"state":"a","state":"b"}', /duplicate JSON member name/],
        ['{"n":1e400}', /out of range/],
      ] as const) {
        const res = await post({
          response: await new CompactEncrypt(new TextEncoder().encode(text))
            .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: key.kid })
            .encrypt(await importJWK(key, 'ECDH-ES')),
        });
        assert.equal(res.json<{ error: string }>().error, 'response_payload_invalid');
        assert.match(res.json<{ error_description: string }>().error_description, rule);
      }
      const both = await post({ response: good, state: ro.state as string });
      assert.equal(both.json<{ error: string }>().error, 'response_jwe_malformed');
      // None of this consumed the request: the real answer still goes through.
      assert.equal((await read(created.id)).status, 'pending');
      assert.equal((await post({ response: good })).statusCode, 200);
      assert.equal((await read(created.id)).status, 'verified');
      // After the answer the key is gone: the same JWE again names no pending key.
      assert.equal(await codeOf(good), 'response_jwe_kid_unknown');
    });

    it("refuses a response encrypted to another request's key, and one whose KB-JWT is for another verifier", async () => {
      const a = await createRequest();
      const b = await createRequest();
      const roA = await requestObject(a.request_uri);
      const roB = await requestObject(b.request_uri);
      // Encrypted to A's key, answering B (B's state and nonce).
      const res = await post({
        response: await encryptTo(encKeyOf(roA), { vp_token: { licence: [await presentation(roB)] }, state: roB.state }),
      });
      assert.equal(res.json<{ error: string }>().error, 'response_jwe_other_request');
      assert.equal((await read(a.id)).status, 'pending');
      assert.equal((await read(b.id)).status, 'pending');
      // Properly encrypted to B, but the presentation was made for another verifier (aud).
      const other = await post({
        response: await encryptTo(encKeyOf(roB), {
          vp_token: { licence: [await presentation(roB, { aud: 'decentralized_identifier:did:web:other.example' })] },
          state: roB.state,
        }),
      });
      assert.equal(other.statusCode, 200, other.body);
      const view = await read(b.id);
      assert.equal(view.status, 'rejected');
      assert.equal(view.result?.credentials.licence?.[0]?.code, 'kb_jwt_aud_mismatch');
    });

    it('purges the key of a request that expires unanswered', async () => {
      const created = await createRequest();
      assert.ok(await t.runtime.store.responseKeys.byRequest(created.id));
      await purgeExpiredState(t.runtime.store, Date.now() + (t.runtime.config.verifierRequestTtlSeconds + 1) * 1000);
      assert.equal(await t.runtime.store.responseKeys.byRequest(created.id), undefined);
    });
  });
}

function realEpk(): { kty: string; crv: string; x: string; y: string } {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
}

function strangerKey(): EncKey {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid: randomBytes(16).toString('base64url'), alg: 'ECDH-ES', use: 'enc' };
}

/** A JWE with a chosen header and random body: refused before any decryption. */
function forged(header: Obj, encryptedKey = ''): string {
  const b = (n: number) => randomBytes(n).toString('base64url');
  return [Buffer.from(JSON.stringify(header)).toString('base64url'), encryptedKey, b(12), b(40), b(16)].join('.');
}

/** Changes one base64url character (keeps the length). */
function flip(s: string): string {
  const i = Math.floor(s.length / 2);
  return s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
}
