/**
 * The HSM goes away under load (its token directory is taken from SoftHSM, which the real module
 * then reports as CKR_OBJECT_HANDLE_INVALID / CKR_GENERAL_ERROR), and the module drops every
 * session. While it is away every issuance answers 503 `signer_unavailable` with Retry-After
 * (never a 500, never a hang) and /readyz is red; once it is back the node heals without a restart.
 * And the module stops answering (a hung process holds the token's file locks, so SoftHSM's
 * calls block inside the module): requests get 503 within PKCS11_TIMEOUT_MS, the event loop never
 * waits, and the node heals once the module answers again.
 * Runs when TEST_SOFTHSM is set (.ci/run sets it).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pkcs11js from 'pkcs11js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { waitUntil } from '../helpers/wait-until.js';
import { makeSoftHsmToken, softhsmSkip, SOFTHSM_MODULE, type SoftHsmToken } from '../helpers/softhsm.js';

/** The module's answer bound under test (PKCS11_TIMEOUT_MS). */
const PKCS11_TIMEOUT_MS = 2000;

for (const backend of storeTargets()) {
  describe.skipIf(softhsmSkip)(`HSM faults under load (${backend})`, () => {
    let token: SoftHsmToken;
    let t: TestApp;
    let issuerKey: string;
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      token = makeSoftHsmToken();
      t = await startTestApp({ store: backend, env: { ...token.env, PKCS11_TIMEOUT_MS: String(PKCS11_TIMEOUT_MS) } });
      issuerKey = await t.apiKey('issuer');
      claims = t.runtime.catalog.get('driver-license')!.example as Record<string, unknown>;
    });
    afterAll(async () => {
      token?.plugBack();
      await t?.close();
      token?.cleanup();
    });

    // No wall-clock deadline per request (a busy machine stretches any): "never a hang" is shown by
    // structure instead. While the module is hung, the test holds its lock until every request has
    // answered, so a request that waited on the module would never return and the test would fail.
    const issue = async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/credentials',
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { type: 'driver-license', claims },
      });
      return res;
    };

    /** Four clients issuing in a loop until `stop()`; collects every answer. */
    const load = () => {
      const answers: { status: number; code?: string; retryAfter?: string }[] = [];
      let stopped = false;
      const worker = async () => {
        while (!stopped) {
          const r = await issue();
          answers.push({
            status: r.statusCode,
            ...(r.statusCode !== 201 && { code: r.json<{ code: string }>().code, retryAfter: r.headers['retry-after'] as string }),
          });
        }
      };
      const workers = [worker(), worker(), worker(), worker()];
      return {
        answers,
        stop: async () => {
          stopped = true;
          await Promise.all(workers);
        },
      };
    };
    const readyz = () => t.app.inject({ url: '/readyz' });
    const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 10_000) => {
      await waitUntil(`${what} within ${ms} ms`, ok, ms, 100);
    };

    it('answers 503 signer_unavailable with Retry-After while the token is gone, /readyz red, and heals without a restart', async () => {
      const run = load();
      try {
        await waitFor('issuance under load', async () => run.answers.some((a) => a.status === 201));
        token.unplug();
        try {
          const unpluggedAt = run.answers.length;
          await waitFor('refusals', async () => run.answers.slice(unpluggedAt).filter((a) => a.status === 503).length >= 20);
          const r = await readyz();
          assert.equal(r.statusCode, 503);
          assert.match(r.json<{ detail: string }>().detail, /signer unavailable/);
        } finally {
          token.plugBack();
        }
        const backAt = run.answers.length;
        await waitFor('recovery', async () => run.answers.slice(backAt).some((a) => a.status === 201));
        await waitFor('/readyz green', async () => (await readyz()).statusCode === 200);
      } finally {
        await run.stop();
      }
      const refusals = run.answers.filter((a) => a.status !== 201);
      assert.ok(refusals.length > 0);
      for (const a of refusals) assert.deepEqual(a, { status: 503, code: 'signer_unavailable', retryAfter: '5' });
      assert.equal((await issue()).statusCode, 201);
    });

    it('turns /readyz red when the token goes away while nothing is being signed, and green when it is back', async () => {
      assert.equal((await readyz()).statusCode, 200);
      t.clock.advance(1100); // past the probe's one-second cache
      token.unplug();
      try {
        await waitFor('/readyz red', async () => (await readyz()).statusCode === 503, 3000);
      } finally {
        token.plugBack();
      }
      await waitFor('/readyz green', async () => (await readyz()).statusCode === 200, 5000);
    });

    it('answers 503 in bounded time while the module stops answering (a hung process holds its token lock), /readyz red, the event loop free, and heals once it answers', async () => {
      assert.equal((await issue()).statusCode, 201);
      t.clock.advance(1100); // past the probe's one-second cache: the next /readyz asks the module
      const lag = monitorEventLoopDelay({ resolution: 10 });
      const lock = await token.holdLock();
      lag.enable();
      const answers: { status: number; code?: string; retryAfter?: string }[] = [];
      try {
        // The probe blocks inside the module (C_GetTokenInfo waits on the lock); after
        // PKCS11_TIMEOUT_MS (2 s) /readyz turns red, without a request or the event loop waiting on it.
        await waitFor('/readyz red', async () => (await readyz()).statusCode === 503, 8000);
        for (let i = 0; i < 10; i++) {
          const r = await issue();
          answers.push({ status: r.statusCode, code: r.json<{ code?: string }>().code, retryAfter: r.headers['retry-after'] as string });
        }
        const healthz = await t.app.inject({ url: '/healthz' });
        assert.equal(healthz.statusCode, 200);
      } finally {
        lag.disable();
        lock.release();
      }
      assert.deepEqual(
        answers,
        Array.from({ length: 10 }, () => ({ status: 503, code: 'signer_unavailable', retryAfter: '5' })),
      );
      // The module thread waits in the module; this one never did. A loop that waited on the module
      // would be late by at least PKCS11_TIMEOUT_MS; scheduling on a loaded box stays well below it.
      assert.ok(lag.max / 1e6 < PKCS11_TIMEOUT_MS * 0.75, `event loop blocked for ${(lag.max / 1e6).toFixed(0)} ms`);
      await waitFor('recovery', async () => (await issue()).statusCode === 201);
      await waitFor('/readyz green', async () => (await readyz()).statusCode === 200, 5000);
    });

    it('reopens sessions the module dropped, with zero failed requests', async () => {
      // C_CloseAllSessions from this process closes the app's sessions (sessions belong to the
      // process). Between bursts: SoftHSM aborts when a session is closed under a running C_Sign.
      const lib = new pkcs11js.PKCS11();
      lib.load(SOFTHSM_MODULE as string);
      try {
        lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
      } catch {
        /* initialised by the app under test: the same module in the same process */
      }
      const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === token.label) as Buffer;
      const statuses: number[] = [];
      for (let round = 0; round < 5; round++) {
        lib.C_CloseAllSessions(slot);
        statuses.push(...(await Promise.all(Array.from({ length: 8 }, () => issue()))).map((r) => r.statusCode));
      }
      assert.deepEqual(
        statuses,
        Array.from({ length: 40 }, () => 201),
      );
    });
  });
}
