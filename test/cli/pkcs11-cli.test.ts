/**
 * `dproof keys …` and the server on KEY_BACKEND=pkcs11, as operators run them (separate
 * processes, the compiled CLI, SoftHSM token). Runs when TEST_SOFTHSM is set (.ci/run sets it).
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { spawnDproof, spawnServer } from '../helpers/spawn-server.js';
import { makeSoftHsmToken, softhsmSkip } from '../helpers/softhsm.js';

for (const backend of storeTargets()) {
  describe.skipIf(softhsmSkip)(`dproof keys on a PKCS#11 token (${backend})`, () => {
    it('generates, rotates, lists, publishes and retires keys held in the token, and the server signs with them', async () => {
      const token = makeSoftHsmToken();
      const target = await makeStoreTarget(backend);
      const env = { ...target.env, ...token.env };
      try {
        const gen = await spawnDproof(['keys', 'generate', '--json'], env);
        assert.equal(gen.code, 0, gen.stderr);
        const first = JSON.parse(gen.stdout) as { kid: string; state: string };
        assert.equal(first.state, 'active');
        const eddsa = await spawnDproof(['keys', 'generate', '--alg', 'EdDSA', '--json'], env);
        assert.equal(eddsa.code, 0, eddsa.stderr);

        const rot = await spawnDproof(['keys', 'rotate', '--json'], env);
        assert.equal(rot.code, 0, rot.stderr);
        const { active, retiring } = JSON.parse(rot.stdout) as { active: { kid: string; activated_at: string }; retiring: string };
        assert.equal(retiring, first.kid);

        const list = JSON.parse((await spawnDproof(['keys', 'list', '--json'], env)).stdout) as { kid: string; state: string }[];
        assert.deepEqual(list.map((k) => k.state).sort(), ['active', 'active', 'retiring']);
        const jwks = JSON.parse((await spawnDproof(['keys', 'jwks'], env)).stdout) as { keys: { kid: string; d?: string }[] };
        assert.equal(jwks.keys.length, 3);
        assert.ok(jwks.keys.every((k) => k.d === undefined));

        const server = await spawnServer(env);
        try {
          const served = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
          assert.deepEqual(served.keys.map((k) => k.kid).sort(), jwks.keys.map((k) => k.kid).sort());
          assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
          assert.doesNotMatch(server.output(), new RegExp(token.pin), 'the PIN is never logged');
        } finally {
          await server.stop();
        }

        // Retiring waits out the handover (KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s after the rotation; here 1.1 s, usually over by now).
        const handoverEnds = Date.parse(active.activated_at) + 100 + 1000;
        await new Promise((r) => setTimeout(r, Math.max(0, handoverEnds - Date.now())));
        const ret = await spawnDproof(['keys', 'retire', retiring, '--json'], { ...env, KEY_REFRESH_MS: '100', JWKS_MAX_AGE: '0' });
        assert.equal(ret.code, 0, ret.stderr);
        const after = JSON.parse((await spawnDproof(['keys', 'jwks'], env)).stdout) as { keys: { kid: string }[] };
        assert.ok(!after.keys.some((k) => k.kid === retiring));
        assert.ok(after.keys.some((k) => k.kid === active.kid));
      } finally {
        await target.cleanup();
        token.cleanup();
      }
    });

    it('refuses to start with a wrong PIN, naming the variable, without the PIN or a stack trace', async () => {
      const token = makeSoftHsmToken();
      const target = await makeStoreTarget(backend);
      const wrongPin = 'not-the-pin-7391';
      try {
        await assert.rejects(
          spawnServer({ ...target.env, ...token.env, DPROOF_PKCS11_PIN: wrongPin }, { timeoutMs: 20_000 }),
          (e: Error) => {
            assert.match(e.message, /server exited before it was ready/);
            assert.match(e.message, /digital-proof cannot start: DPROOF_PKCS11_PIN: the token refused the PIN \(CKR_PIN_INCORRECT\)/);
            assert.doesNotMatch(e.message, new RegExp(`${wrongPin}|${token.pin}`));
            assert.doesNotMatch(e.message, /\n\s+at /, 'no stack trace');
            return true;
          },
        );
        const cli = await spawnDproof(['keys', 'generate'], { ...target.env, ...token.env, DPROOF_PKCS11_PIN: wrongPin });
        assert.equal(cli.code, 1);
        assert.match(cli.stderr, /^dproof: DPROOF_PKCS11_PIN: the token refused the PIN/);
      } finally {
        await target.cleanup();
        token.cleanup();
      }
    });

    it('refuses to start on a token label the module does not have, listing the ones it has', async () => {
      const token = makeSoftHsmToken();
      const target = await makeStoreTarget(backend);
      try {
        await assert.rejects(
          spawnServer({ ...target.env, ...token.env, PKCS11_TOKEN_LABEL: 'no-such-token' }, { timeoutMs: 20_000 }),
          (e: Error) => {
            assert.match(e.message, new RegExp(`PKCS11_TOKEN_LABEL: no token labelled "no-such-token" .*"${token.label}"`));
            return true;
          },
        );
      } finally {
        await target.cleanup();
        token.cleanup();
      }
    });
  });
}
