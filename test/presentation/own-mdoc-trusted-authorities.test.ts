/**
 * Our own mdoc round trip with DCQL `trusted_authorities` (OpenID4VP 1.0 §6.1.1.1): this service's
 * IACA and document signer (`dproof keys iaca` / `keys ds`) issue a civil-servant ID over
 * OpenID4VCI to the CLI wallet; a verifier that names our IACA's key identifier (what `keys iaca`
 * prints) gets it verified; one that names another authority gets nothing from the wallet.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { certificateChainOf } from '../../src/keys/manage-mdoc-keys.js';
import { readAuthorityKeyIds } from '../../src/formats/x509/read-authority-key-ids.js';
import { makeMdocIssuerKeys } from '../openid4vci/make-mdoc-issuer-keys.js';
import { createDcqlRequest, mdocQuery } from './helpers.js';
import { initAndReceive, OTHER_AKI, presentRefusedForTrustedAuthorities, presentVerified } from './cli-wallet-steps.js';

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
    const iaca = await makeMdocIssuerKeys(t);
    // What `dproof keys iaca` prints as aki: the self-signed root's key identifier.
    aki = readAuthorityKeyIds([certificateChainOf(iaca.active)[0]!])[0]!;
    const type = t.runtime.catalog.get('civil-servant-id')!;
    await initAndReceive(t, issuerKey, env(), { type: type.id, claims: type.example, format: 'mso_mdoc' });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const request = (values: string[]) =>
    createDcqlRequest(t.app, verifierKey, {
      ...mdocQuery('kr.go.mpm.civil_servant_id.1', [['kr.go.mpm.civil_servant_id.1', 'family_name']], 'csid'),
      trusted_authorities: [{ type: 'aki', values }],
    });

  it('verifies our mdoc when the query names our IACA', async () => {
    await presentVerified(t, verifierKey, env(), await request([aki]), 'csid');
  });

  it('presents nothing when the query names another authority', async () => {
    await presentRefusedForTrustedAuthorities(env(), (await request([OTHER_AKI])).authorization_request);
  });
});
