import { it } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { runDproof, spawnServer } from '../helpers/spawn-server.js';
import { scaled } from '../helpers/time-scale.js';
import { waitUntil } from '../helpers/wait-until.js';
import { verifySdJwtVc } from '../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { parseCompactJws } from '../../src/formats/jose/parse-compact-jws.js';
import { systemClock } from '../../src/clock.js';
import { makeSoftHsmToken, SOFTHSM_MODULE } from '../helpers/softhsm.js';

/** Key backends: key files always; a SoftHSM token when TEST_SOFTHSM is set (.ci/run sets it). */
const keyBackends = (): ('file' | 'pkcs11')[] => (SOFTHSM_MODULE ? ['file', 'pkcs11'] : ['file']);

for (const backend of storeTargets()) for (const keyBackend of keyBackends()) {
  it(`rotates the signing key under a load of issuance and verification with zero failures (${backend}, ${keyBackend} keys)`, async () => {
    const token = keyBackend === 'pkcs11' ? makeSoftHsmToken() : undefined;
    const target = await makeStoreTarget(backend);
    // A short JWKS lifetime and poll keep the handover (KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s) short
    // here: 2.25 s instead of 4 s with the default poll, and the server sees the rotation within 0.25 s.
    Object.assign(target.env, token?.env, { JWKS_MAX_AGE: '1', KEY_REFRESH_MS: '250' });
    const server = await spawnServer(target.env);
    try {
      const { apiKey } = JSON.parse((await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'load', '--rate-limit', '0', '--json'], target.env)).stdout) as { apiKey: string };
      const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      const types = (await (await fetch(`${server.url}/v1/credential-types`)).json()) as { id: string; example: object }[];
      const type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };

      // A verifier as a real one behaves: JWKS cached, fetched again when a kid is unknown.
      let jwks: JWK[] = [];
      const fetchJwks = async () => { jwks = ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys; };
      const verify = async (credential: string) => {
        const kid = parseCompactJws(parseSdJwt(credential).jwt).header.kid as string;
        if (!jwks.some((k) => k.kid === kid)) await fetchJwks();
        return verifySdJwtVc(credential, {
          resolveIssuerKey: ({ kid: k }) => { const j = jwks.find((x) => x.kid === k); return j && { jwk: j, alg: 'ES256' }; },
          clock: systemClock, skewSeconds: 60,
        });
      };
      const kidOf = (c: string) => parseCompactJws(parseSdJwt(c).jwt).header.kid as string;

      const failures: string[] = [];
      const issued: string[] = [];
      let stop = false;
      const hardDeadline = Date.now() + scaled(30_000); // the load stops by itself whatever happens below
      const worker = async () => {
        while (!stop && Date.now() < hardDeadline) {
          try {
            const r = await fetch(`${server.url}/v1/credentials`, {
              method: 'POST',
              headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
              body: JSON.stringify({ type: type.id, claims: type.example, holder_jwk: holder }),
            });
            if (r.status !== 201) { failures.push(`issue ${r.status} ${await r.text()}`); continue; }
            const { credential } = (await r.json()) as { credential: string };
            await verify(credential);
            issued.push(credential);
          } catch (e) {
            failures.push(`verify ${(e as Error).message}`);
          }
        }
      };
      const workers = [worker(), worker(), worker(), worker()];
      let rotated: { active: { kid: string } };
      let oldKid: string;
      try {
        await waitUntil(() => `no 10 credentials issued before the rotation: ${failures.slice(0, 3).join('; ')}`, () => issued.length >= 10 || failures.length > 0, 15_000);
        assert.ok(issued.length > 0, `no credential issued before the rotation: ${failures.slice(0, 3).join('; ')}`);
        const before = issued.length;
        oldKid = kidOf(issued[0] as string);
        const r = await runDproof(['keys', 'rotate', '--json'], target.env);
        assert.equal(r.code, 0, `keys rotate failed under load: ${r.stderr}`);
        rotated = JSON.parse(r.stdout) as { active: { kid: string } };
        await waitUntil('new key not used within 10 s', () => issued.slice(before).some((c) => kidOf(c) === rotated.active.kid), 10_000);
        // The load runs on past the switch: ten more credentials, and over twenty in all.
        const switched = issued.length;
        await waitUntil('the load stalled after the rotation', () => issued.length >= Math.max(switched + 10, 21) || failures.length > 0, 15_000);
      } finally {
        stop = true;
        await Promise.all(workers);
      }

      assert.deepEqual(failures, []);
      assert.ok(issued.length > 20, `load ran (${issued.length} credentials)`);
      // Credentials signed before the rotation still verify after it (the old key is retiring, still published).
      await fetchJwks();
      const old = issued.filter((c) => kidOf(c) === oldKid);
      assert.ok(old.length > 0);
      for (const c of old.slice(0, 10)) await verify(c);
      assert.deepEqual(jwks.map((k) => k.kid).sort(), [oldKid, rotated.active.kid].sort());
    } finally {
      await server.stop();
      await target.cleanup();
      token?.cleanup();
    }
  });
}
