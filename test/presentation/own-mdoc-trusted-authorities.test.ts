/**
 * Our own mdoc round trip with DCQL `trusted_authorities` (OpenID4VP 1.0 §6.1.1.1): this service's
 * IACA and document signer (`dproof keys iaca` / `keys ds`) issue a civil-servant ID over
 * OpenID4VCI to the CLI wallet; a verifier that names our IACA's key identifier (what `keys iaca`
 * prints) gets it verified; one that names another authority gets nothing from the wallet.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { runDproof } from '../helpers/spawn-server.js';
import { certificateChainOf, makeDocumentSigner, makeIaca } from '../../src/keys/manage-mdoc-keys.js';
import { readAuthorityKeyIds } from '../../src/formats/x509/read-authority-key-ids.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { createDcqlRequest, requestOutcome } from './helpers.js';

describe('our own mdoc, asked for by our IACA key identifier', () => {
  let t: TestApp;
  let issuerKey: string;
  let verifierKey: string;
  let dir: string;
  let aki: string;
  const env = () => ({ DPROOF_WALLET: join(dir, 'w.json') });

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    issuerKey = await t.apiKey('issuer');
    verifierKey = await t.apiKey('verifier');
    dir = mkdtempSync(join(tmpdir(), 'dproof-own-mdoc-aki-'));
    const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
    const iaca = await makeIaca(deps, { country: 'KR', commonName: 'test IACA', uri: t.url });
    await makeDocumentSigner(deps, { country: 'KR', commonName: 'test DS', uri: t.url });
    await t.runtime.keys.refresh();
    // What `dproof keys iaca` prints as aki: the self-signed root's key identifier.
    aki = readAuthorityKeyIds([certificateChainOf(iaca.active)[0]!])[0]!;
    assert.equal((await runDproof(['wallet', 'init'], env())).code, 0);
    const type = t.runtime.catalog.get('civil-servant-id')!;
    const offer = await makeOffer(t, issuerKey, { type: type.id, claims: type.example, format: 'mso_mdoc' });
    const got = await runDproof(['wallet', 'receive', offer.offer], env());
    assert.equal(got.code, 0, got.stderr);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const request = (values: string[]) =>
    createDcqlRequest(t.app, verifierKey, {
      id: 'csid',
      format: 'mso_mdoc',
      meta: { doctype_value: 'kr.go.mpm.civil_servant_id.1' },
      claims: [{ path: ['kr.go.mpm.civil_servant_id.1', 'family_name'] }],
      trusted_authorities: [{ type: 'aki', values }],
    });

  it('verifies our mdoc when the query names our IACA', async () => {
    const { id, authorization_request } = await request([aki]);
    const r = await runDproof(['wallet', 'present', authorization_request, '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const outcome = await requestOutcome(t.app, verifierKey, id, 'csid');
    assert.equal(outcome.code, 'verified', outcome.body);
    assert.equal(outcome.status, 'verified');
  });

  it('presents nothing when the query names another authority', async () => {
    const { authorization_request } = await request(['AQIDBAUGBwgJCgsMDQ4PEBESExQ']);
    const r = await runDproof(['wallet', 'present', authorization_request], env());
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /trusted_authorities/);
  });
});
