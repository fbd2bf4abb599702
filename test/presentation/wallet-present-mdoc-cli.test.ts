/**
 * `dproof wallet present` with an mdoc: an mDL issued by an independent issuer (@auth0/mdl) to
 * the wallet's own device key is put into the wallet file (as OpenID4VCI delivers `mso_mdoc`: a
 * base64url IssuerSigned); the CLI answers a DCQL `mso_mdoc` request with a DeviceResponse over
 * the request's SessionTranscript, disclosing only the asked elements, and our verifier accepts it.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cborDecode, cborEncode } from '@owf/mdoc';
import type { JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { runDproof } from '../helpers/spawn-server.js';
import type { Wallet } from '../../src/wallet/wallet-file.js';
import { IndependentMdocParty, makeDocumentSigner, makeIaca, MDL, MDL_NS } from '../formats/mdoc/mdoc-fixtures.js';
import { AGE_CHECK_PURPOSE, createDcqlRequest, mdocQuery, readRequestView } from './helpers.js';

describe('dproof wallet present with an mdoc', () => {
  let t: TestApp;
  let verifierKey: string;
  let dir: string;
  let env: Record<string, string>;
  let party: IndependentMdocParty;

  beforeAll(async () => {
    party = new IndependentMdocParty();
    const iaca = await makeIaca();
    const ds = await makeDocumentSigner(iaca);
    dir = mkdtempSync(join(tmpdir(), 'dproof-present-mdoc-'));
    writeFileSync(join(dir, 'iaca.pem'), iaca.pem);
    t = await startTestApp({ listen: true, env: { TRUSTED_IACA_CERTS: join(dir, 'iaca.pem') } });
    verifierKey = await t.apiKey('verifier');
    env = { DPROOF_WALLET: join(dir, 'wallet.json') };
    assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
    // The issuer binds the mdoc to the wallet's device key; the wallet keeps its IssuerSigned.
    const wallet = JSON.parse(readFileSync(env.DPROOF_WALLET!, 'utf8')) as Wallet;
    const key = wallet.keys[0]!;
    const { d: _d, ...publicJwk } = key.jwk;
    const issued = await party.issue({ ds, deviceJwk: publicJwk as JWK });
    const top = cborDecode<Map<string, Map<string, unknown>[]>>(Buffer.from(issued, 'base64url'));
    const issuerSigned = Buffer.from(cborEncode(top.get('documents')![0]!.get('issuerSigned'))).toString('base64url');
    wallet.credentials.push({
      id: 'a8f7c0de-0000-4000-8000-000000000001',
      // History is asked of the service the wallet got the credential from (here: the one that verifies).
      credential_issuer: t.url,
      credential_configuration_id: 'mdl',
      format: 'mso_mdoc',
      kind: MDL,
      key: key.kid,
      credential: issuerSigned,
      received_at: new Date().toISOString(),
      expires_at: null,
    });
    writeFileSync(env.DPROOF_WALLET!, JSON.stringify(wallet));
  });
  afterAll(async () => {
    await party?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an mso_mdoc request with a DeviceResponse the verifier accepts, disclosing only the asked elements', async () => {
    const { id, authorization_request } = await createDcqlRequest(t.app, verifierKey, mdocQuery(MDL, [[MDL_NS, 'age_over_19']]), {
      purpose: AGE_CHECK_PURPOSE,
    });
    const r = await runDproof(['wallet', 'present', authorization_request, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { disclosed: Record<string, { claims: string[] }>; response: { status: string } };
    assert.deepEqual(out.disclosed.mdl?.claims, [`${MDL_NS}.age_over_19`]);
    assert.equal(out.response.status, 'verified');
    const res = await readRequestView<{ status: string; result: { credentials: Record<string, { claims?: unknown }[]> } }>(
      t.app,
      verifierKey,
      id,
    );
    assert.equal(res.status, 'verified');
    assert.deepEqual(res.result.credentials.mdl?.[0]?.claims, { [MDL_NS]: { age_over_19: true } });
    // The receipt is linked to the device key: the holder's history lists it, without values.
    const h = await runDproof(['wallet', 'history', '--json'], env);
    assert.equal(h.code, 0, h.stderr);
    const entries = JSON.parse(h.stdout) as { receipt: { channel: string; claims: string[]; verdict: string; format?: string } }[];
    const entry = entries.find((e) => e.receipt.claims.includes(`${MDL_NS}.age_over_19`));
    assert.ok(entry, h.stdout);
    assert.equal(entry.receipt.verdict, 'verified');
    assert.ok(!h.stdout.includes('홍'), 'history holds no claim values');
  });

  it('says so when no held mdoc is of the asked doctype', async () => {
    const pid = 'eu.europa.ec.eudi.pid.1';
    const req = await createDcqlRequest(t.app, verifierKey, mdocQuery(pid, [[pid, 'family_name']], 'pid'));
    const r = await runDproof(['wallet', 'present', req.authorization_request], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /eu\.europa\.ec\.eudi\.pid\.1/);
  });
});
