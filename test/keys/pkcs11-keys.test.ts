/**
 * Signing keys in a PKCS#11 module (SoftHSM 2): made inside the token and never extractable,
 * used there for every credential format and status list, managed through the same life cycle
 * as key files. Runs when TEST_SOFTHSM is set (.ci/run sets it).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import pkcs11js from 'pkcs11js';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeSoftHsmToken, softhsmSkip, SOFTHSM_MODULE, type SoftHsmToken } from '../helpers/softhsm.js';
import { counterOf, counterPresent, counterVerify, generateHolderKey, issueViaApi } from '../presentation/helpers.js';
import { handoverWindowMs } from '../../src/keys/key-ring.js';
import { rotateKey, retireKey } from '../../src/keys/manage-keys.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import type { SigningAlg } from '../../src/keys/signer.js';

/** The token's private key objects as the module reports them (read through our own session). */
function privateKeysOnToken(token: SoftHsmToken): { label: string; sensitive: boolean; extractable: boolean; neverExtractable: boolean; local: boolean }[] {
  const lib = new pkcs11js.PKCS11();
  lib.load(SOFTHSM_MODULE as string);
  try {
    lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch {
    /* the app under test initialised the module in this process */
  }
  const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === token.label) as Buffer;
  const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    try {
      lib.C_Login(session, pkcs11js.CKU_USER, token.pin);
    } catch {
      /* already logged in by the app under test */
    }
    lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
    const handles = lib.C_FindObjects(session, 100);
    lib.C_FindObjectsFinal(session);
    return handles.map((h) => {
      const [label, sensitive, extractable, never, local] = lib.C_GetAttributeValue(session, h, [
        { type: pkcs11js.CKA_LABEL }, { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_NEVER_EXTRACTABLE }, { type: pkcs11js.CKA_LOCAL },
      ]).map((a) => a.value as Buffer);
      const bool = (b: Buffer | undefined) => b !== undefined && b[0] === 1;
      return { label: (label as Buffer).toString(), sensitive: bool(sensitive), extractable: bool(extractable), neverExtractable: bool(never), local: bool(local) };
    });
  } finally {
    lib.C_CloseSession(session);
  }
}

const ALGS: SigningAlg[] = ['ES256', 'EdDSA'];

for (const backend of storeTargets()) {
  for (const alg of ALGS) {
    describe.skipIf(softhsmSkip)(`keys in a PKCS#11 module (SoftHSM), ${alg}, ${backend}`, () => {
      let token: SoftHsmToken;
      let t: TestApp;
      let issuerKey: string;
      beforeAll(async () => {
        token = makeSoftHsmToken();
        t = await startTestApp({ store: backend, env: { ...token.env, KEY_ALG: alg, KEY_REFRESH_MS: '100' } });
        issuerKey = await t.apiKey('issuer');
      });
      afterAll(async () => {
        await t?.close();
        token?.cleanup();
      });

      it('generates the first key inside the token: sensitive, never extractable, labelled with its kid, published from the module', async () => {
        const [active] = (await t.runtime.store.keys.list()).filter((k) => k.state === 'active' && k.alg === alg);
        assert.ok(active, 'first run made a key');
        assert.match(active.file, /^pkcs11:[0-9a-f]{32}$/, 'the store holds a reference, not key material');
        const onToken = privateKeysOnToken(token).find((k) => k.label === active.kid);
        assert.deepEqual(onToken, { label: active.kid, sensitive: true, extractable: false, neverExtractable: true, local: true });
        const jwk = t.runtime.keys.jwks().keys.find((k) => k.kid === active.kid) as JWK;
        assert.equal(jwk.alg, alg);
        assert.equal(jwk.d, undefined);
        assert.deepEqual(jwk, active.publicJwk);
      });

      for (const format of ['dc+sd-jwt', 'vc+jwt']) {
        it(`issues ${format} signed in the module that verifies against the published JWKS`, async () => {
          const holder = await generateHolderKey();
          const { credential } = await issueViaApi(t, issuerKey, 'driver-license', holder, format);
          const jws = format === 'dc+sd-jwt' ? parseSdJwt(credential).jwt : credential;
          const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json<{ keys: JWK[] }>();
          const { protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: [alg] });
          assert.equal(protectedHeader.alg, alg);
          if (format === 'dc+sd-jwt') {
            // The whole verifier pipeline (signature, status list signed in the module too, binding).
            const verifierKey = await t.apiKey('verifier');
            const { presentation } = await counterPresent(credential, holder, counterOf(t.app, verifierKey), ['age_over_19']);
            const res = await counterVerify(t.app, verifierKey, presentation);
            assert.equal(res.json<{ verdict: string }>().verdict, 'verified', res.body);
          }
        });
      }

      it('signs status list tokens in the module', async () => {
        const { credential } = await issueViaApi(t, issuerKey, 'driver-license', undefined);
        const { payload } = await jwtVerify(parseSdJwt(credential).jwt, createLocalJWKSet(t.runtime.keys.jwks() as never));
        const uri = new URL((payload.status as { status_list: { uri: string } }).status_list.uri);
        const list = await t.app.inject({ url: uri.pathname });
        assert.equal(list.statusCode, 200);
        const { protectedHeader } = await jwtVerify(list.body, createLocalJWKSet(t.runtime.keys.jwks() as never), { typ: 'statuslist+jwt' });
        assert.equal(protectedHeader.alg, alg);
      });

      it('rotates (new key made in the module, old one keeps verifying) and retires', async () => {
        const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
        const { credential: before } = await issueViaApi(t, issuerKey, 'driver-license', undefined, 'vc+jwt');
        const { active, retiring } = await rotateKey(deps, alg, { handoverMs: handoverWindowMs(t.config) });
        assert.ok(retiring);
        await t.runtime.keys.refresh();
        assert.ok(privateKeysOnToken(token).some((k) => k.label === active.kid && !k.extractable));
        assert.deepEqual(t.runtime.keys.jwks().keys.map((k) => k.kid).sort(), [active.kid, retiring].sort());
        await jwtVerify(before, createLocalJWKSet(t.runtime.keys.jwks() as never));
        // Past the handover window (KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s), new credentials carry the new key.
        t.clock.advance(handoverWindowMs(t.config));
        const { credential: after } = await issueViaApi(t, issuerKey, 'driver-license', undefined, 'vc+jwt');
        assert.equal(decodeProtectedHeader(after).kid, active.kid);
        await retireKey(deps, retiring, { force: true, handoverMs: 0 });
        await t.runtime.keys.refresh();
        assert.deepEqual(t.runtime.keys.jwks().keys.map((k) => k.kid), [active.kid]);
      });
    });
  }

  describe.skipIf(softhsmSkip)(`PKCS#11 backend refusals (${backend})`, () => {
    it('refuses, naming the key, a key the store says is in a key file', async () => {
      const token = makeSoftHsmToken();
      const t = await startTestApp({ store: backend, env: token.env });
      try {
        await assert.rejects(t.runtime.keyStore.load({ kid: 'k1', file: 'k1.key.json', alg: 'ES256' }), /key k1: is held in the key file k1\.key\.json.*KEY_BACKEND=file/);
        await assert.rejects(t.runtime.keyStore.load({ kid: 'k2', file: 'pkcs11:00112233', alg: 'ES256' }), /key k2: is not on the PKCS#11 token/);
      } finally {
        await t.close();
        token.cleanup();
      }
    });
  });
}
