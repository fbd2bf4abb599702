/**
 * The CLI wallet's steps in the presentation tests (`dproof wallet …` as a child process): a new
 * wallet file given one credential over OpenID4VCI, and a request link presented — verified, or
 * refused because the query's trusted_authorities name no issuer of the wallet's credentials.
 */
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/test-app.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { requestOutcome } from './helpers.js';

type WalletEnv = Record<string, string>;

/** A key identifier no issuer of ours has (DCQL `trusted_authorities` aki value). */
export const OTHER_AKI = 'AQIDBAUGBwgJCgsMDQ4PEBESExQ';

/** `dproof wallet init`, then `dproof wallet receive` of a fresh offer of `offerBody` (POST /v1/offers); both succeed. */
export async function initAndReceive(
  t: TestApp,
  issuerKey: string,
  walletEnv: WalletEnv,
  offerBody: Record<string, unknown>,
): Promise<void> {
  assert.equal((await runDproof(['wallet', 'init'], walletEnv)).code, 0);
  const offer = await makeOffer(t, issuerKey, offerBody);
  const got = await runDproof(['wallet', 'receive', offer.offer], walletEnv);
  assert.equal(got.code, 0, got.stderr);
}

/** `dproof wallet present <link> --json` succeeds, and the request comes out verified for `queryId`. */
export async function presentVerified(
  t: TestApp,
  verifierKey: string,
  walletEnv: WalletEnv,
  request: { id: string; authorization_request: string },
  queryId: string,
): Promise<void> {
  const r = await runDproof(['wallet', 'present', request.authorization_request, '--json'], walletEnv);
  assert.equal(r.code, 0, r.stderr);
  const outcome = await requestOutcome(t.app, verifierKey, request.id, queryId);
  assert.equal(outcome.code, 'verified', outcome.body);
  assert.equal(outcome.status, 'verified');
}

/** `dproof wallet present <link>` fails and names trusted_authorities: the wallet has nothing the query's authorities issued. */
export async function presentRefusedForTrustedAuthorities(walletEnv: WalletEnv, link: string): Promise<void> {
  const r = await runDproof(['wallet', 'present', link], walletEnv);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /trusted_authorities/);
}
