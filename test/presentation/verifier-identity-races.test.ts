/**
 * X.509 verifier identities changed by two operators (or two nodes) at once. Under PostgreSQL's
 * READ COMMITTED a retire or another import can commit between an import's read of "pending" and
 * its write: the import must then refuse with verifier_identity_state, never activate a retired
 * identity, never tell two callers that their chain is the active one, and never answer a raw
 * unique violation. A refusal names the state the identity really has.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  createVerifierIdentity,
  importVerifierChain,
  retireVerifierIdentity,
  SERVICE_OWNER,
  type IdentityDeps,
} from '../../src/presentation/x509-identity/manage-verifier-identities.js';
import { createDevChain, toPem } from '../../src/presentation/x509-identity/create-certificates.js';
import { isAppError } from '../../src/errors.js';

const ROUNDS = 24;
const DNS = 'verifier.example';

for (const backend of storeTargets()) {
  describe(`verifier identities changed at once (${backend})`, () => {
    let t: TestApp;
    let deps: IdentityDeps;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { PUBLIC_URL: `https://${DNS}` } });
      deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
    });
    afterAll(async () => t?.close());

    const pending = async () => (await createVerifierIdentity(deps, { owner: SERVICE_OWNER, dnsName: DNS, mode: 'csr' })).identity;
    /** A fresh development chain (its own root) for the identity's key, as PEM. */
    const chainFor = async (id: { public_jwk: string }) => {
      const c = await createDevChain({ publicJwk: JSON.parse(id.public_jwk) as JWK, dnsName: DNS, now: Date.now() });
      return [...c.x5c, c.anchor].map(toPem).join('\n');
    };
    /** The outcome of a call: 'ok', or the code of the 409 it was refused with (anything else fails the test). */
    const outcome = async (p: Promise<unknown>, round: number): Promise<{ code: string; message?: string }> => {
      try {
        await p;
        return { code: 'ok' };
      } catch (e) {
        assert.ok(isAppError(e), `round ${round}: not an AppError: ${String(e)}`);
        assert.equal(e.status, 409, `round ${round}: ${e.code} ${e.message}`);
        return { code: e.code, message: e.message };
      }
    };
    const stateOf = async (id: string) => (await t.runtime.store.verifierIdentities.get(id))?.state;

    it('an import racing a retire of the same pending identity never activates a retired one', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const rec = await pending();
        const pem = await chainFor(rec);
        const [imported, retired] = await Promise.all([
          outcome(importVerifierChain(deps, rec.id, pem), round),
          outcome(retireVerifierIdentity(deps, rec.id), round),
        ]);
        const state = await stateOf(rec.id);
        if (retired.code === 'ok') {
          assert.equal(state, 'retired', `round ${round}: retire went through, the identity stays retired`);
          assert.equal(imported.code, 'verifier_identity_state', `round ${round}: the import must be refused`);
          assert.match(imported.message ?? '', /is retired;/, `round ${round}`);
        } else {
          assert.equal(imported.code, 'ok', `round ${round}: one of the two went through`);
          assert.equal(state, 'active', `round ${round}`);
          assert.equal(retired.code, 'verifier_identity_state', `round ${round}`);
          // The refusal names the state now, not the "pending" read before the import committed.
          assert.match(retired.message ?? '', /is active;/, `round ${round}: ${retired.message}`);
        }
      }
    });

    it('two imports of one pending identity: one chain wins, the other caller is told so', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const rec = await pending();
        const pems = [await chainFor(rec), await chainFor(rec)];
        const results = await Promise.all(pems.map((pem) => outcome(importVerifierChain(deps, rec.id, pem), round)));
        const won = results.flatMap((r, i) => (r.code === 'ok' ? [i] : []));
        assert.equal(won.length, 1, `round ${round}: exactly one import goes through (${JSON.stringify(results)})`);
        const lost = results[1 - won[0]!]!;
        assert.equal(lost.code, 'verifier_identity_state', `round ${round}`);
        assert.match(lost.message ?? '', /is active;/, `round ${round}`);
        // The stored chain is the winner's.
        const stored = JSON.parse((await t.runtime.store.verifierIdentities.get(rec.id))!.chain!) as { x5c: string[] };
        const base64 = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
        assert.ok(base64(pems[won[0]!]!).includes(stored.x5c[0]!), `round ${round}: the active chain is the one its caller was told`);
      }
    });

    it('imports of two identities of one owner at once leave one active, and a refusal is a 409', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const recs = [await pending(), await pending()];
        const pems = [await chainFor(recs[0]!), await chainFor(recs[1]!)];
        const results = await Promise.all(recs.map((r, i) => outcome(importVerifierChain(deps, r.id, pems[i]!), round)));
        assert.ok(
          results.every((r) => r.code === 'ok' || r.code === 'verifier_identity_state'),
          JSON.stringify(results),
        );
        const active = (await t.runtime.store.verifierIdentities.list()).filter((r) => r.owner === SERVICE_OWNER && r.state === 'active');
        assert.equal(active.length, 1, `round ${round}: one active identity`);
        assert.ok(
          recs.some((r, i) => r.id === active[0]!.id && results[i]!.code === 'ok'),
          `round ${round}: the active one is one whose import went through`,
        );
        for (const [i, r] of recs.entries()) {
          const state = await stateOf(r.id);
          if (results[i]!.code === 'ok') assert.ok(state === 'active' || state === 'retiring', `round ${round}: ${state}`);
          else assert.equal(state, 'pending', `round ${round}: a refused import leaves the identity pending`);
        }
      }
    });
  });
}
