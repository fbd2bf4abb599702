/**
 * The Authorization Code Flow's callback when the credential offer of issuer_state is gone by the
 * time the login finishes: the wallet hears access_denied with the offer's real reason — used by
 * another login, or expired — and no code. Real OpenID provider and claims source, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeTargets } from '../helpers/stores.js';
import { expireOffer, makeOffer } from './vci-helpers.js';
import {
  browse,
  pkceParFields,
  postForm,
  startAuthorizationCodeWorld,
  WALLET_REDIRECT,
  type AuthorizationCodeWorld,
} from './authorization-code-helpers.js';

/** A browser (one cookie jar) paused where `stop(url)`; `go` continues it to the wallet's redirect_uri. */
async function browser(start: string, stop: (url: string) => boolean) {
  const jar = new Map<string, string>();
  const paused = await browse(start, stop, 12, jar);
  return { paused, go: () => browse(paused.toString(), WALLET_REDIRECT, 12, jar) };
}

for (const backend of storeTargets()) {
  describe(`authorization callback after the offer is gone, on ${backend}`, () => {
    let world: AuthorizationCodeWorld;
    const clientsDir = mkdtempSync(join(tmpdir(), 'dproof-wallet-clients-'));
    beforeAll(async () => {
      const clientsFile = join(clientsDir, 'wallet-clients.json');
      writeFileSync(clientsFile, JSON.stringify({ clients: [{ client_id: 'test-wallet', redirect_uris: [WALLET_REDIRECT] }] }));
      world = await startAuthorizationCodeWorld(backend, { WALLET_CLIENTS: clientsFile });
      world.source.behaviour = 'grant';
      world.source.claims = world.t.runtime.catalog.get('driver-license')!.example;
    });
    afterAll(async () => {
      await world?.close();
      rmSync(clientsDir, { recursive: true, force: true });
    });

    /** An authorization_code offer and its issuer_state. */
    const offer = async () => {
      const { t } = world;
      const created = await makeOffer(t, world.issuerKey, { type: 'driver-license', grant: 'authorization_code' });
      const object = (await t.app.inject({ method: 'GET', url: new URL(created.credential_offer_uri).pathname })).json() as {
        grants: { authorization_code: { issuer_state: string } };
      };
      return { id: created.id, issuerState: object.grants.authorization_code.issuer_state };
    };
    /** PAR for the offer → authorize → the citizen's login, paused where the provider sends the browser back to us. */
    const loginUpToCallback = async (issuerState: string) => {
      const { t } = world;
      const verifier = randomBytes(32).toString('base64url');
      const par = await postForm(
        t,
        '/oauth/par',
        pkceParFields('test-wallet', verifier, {
          issuer_state: issuerState,
          authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'driver-license' }]),
        }),
      );
      assert.equal(par.statusCode, 201, par.body);
      return browser(
        `${t.url}/oauth/authorize?${new URLSearchParams({ client_id: 'test-wallet', request_uri: par.json().request_uri })}`,
        (u) => u.startsWith(`${t.url}/oauth/callback`),
      );
    };
    const refusal = (back: URL) => [
      back.searchParams.get('code'),
      back.searchParams.get('error'),
      back.searchParams.get('error_description'),
    ];

    it('tells the second of two logins on one offer that the offer was used', async () => {
      const o = await offer();
      const first = await loginUpToCallback(o.issuerState);
      const second = await loginUpToCallback(o.issuerState);
      assert.ok((await first.go()).searchParams.get('code'));
      assert.deepEqual(refusal(await second.go()), [null, 'access_denied', 'the credential offer was already used']);
    });

    it('tells a login whose offer expired while the citizen logged in that the offer has expired, not that it was used', async () => {
      const o = await offer();
      const login = await loginUpToCallback(o.issuerState);
      await expireOffer(world.t, o);
      assert.deepEqual(refusal(await login.go()), [null, 'access_denied', 'the credential offer has expired']);
      const row = await world.t.runtime.store.vci.offer(o.id);
      assert.equal(row?.redeemed_at, null, 'the expired offer was not used');
    });
  });
}
