/**
 * `dproof wallet present` with DCQL `trusted_authorities` (OpenID4VP 1.0 §6.1, §6.1.1.1): the
 * wallet holds two mDLs from two issuing authorities (an independent issuer, @auth0/mdl, with
 * document signers naming their IACA by AuthorityKeyIdentifier) and offers only the one whose
 * chain names an asked aki; with none, it answers nothing and says why.
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
import { iacaKeyId, IndependentMdocParty, makeDocumentSigner, makeIaca, MDL, MDL_NS, type Iaca } from '../formats/mdoc/mdoc-fixtures.js';
import { createDcqlRequest, getVerifierRequest, mdocQuery } from './helpers.js';

const FIRST = 'a8f7c0de-0000-4000-8000-0000000000a1';
const SECOND = 'a8f7c0de-0000-4000-8000-0000000000a2';

describe('dproof wallet present applies trusted_authorities (aki) to held mdocs', () => {
  let t: TestApp;
  let verifierKey: string;
  let dir: string;
  let env: Record<string, string>;
  let party: IndependentMdocParty;
  let iacaA: Iaca;
  let iacaB: Iaca;

  beforeAll(async () => {
    party = new IndependentMdocParty();
    [iacaA, iacaB] = await Promise.all([makeIaca('CN=IACA A, C=KR'), makeIaca('CN=IACA B, C=KR')]);
    const [dsA, dsB] = await Promise.all([makeDocumentSigner(iacaA, { aki: true }), makeDocumentSigner(iacaB, { aki: true })]);
    dir = mkdtempSync(join(tmpdir(), 'dproof-present-aki-'));
    writeFileSync(join(dir, 'iaca.pem'), iacaA.pem + iacaB.pem);
    t = await startTestApp({ listen: true, env: { TRUSTED_IACA_CERTS: join(dir, 'iaca.pem') } });
    verifierKey = await t.apiKey('verifier');
    env = { DPROOF_WALLET: join(dir, 'wallet.json') };
    assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
    const wallet = JSON.parse(readFileSync(env.DPROOF_WALLET!, 'utf8')) as Wallet;
    const key = wallet.keys[0]!;
    const { d: _d, ...publicJwk } = key.jwk;
    for (const [id, ds] of [
      [FIRST, dsA],
      [SECOND, dsB],
    ] as const) {
      const issued = await party.issue({ ds, deviceJwk: publicJwk as JWK });
      const top = cborDecode<Map<string, Map<string, unknown>[]>>(Buffer.from(issued, 'base64url'));
      wallet.credentials.push({
        id,
        credential_issuer: t.url,
        credential_configuration_id: 'mdl',
        format: 'mso_mdoc',
        kind: MDL,
        key: key.kid,
        credential: Buffer.from(cborEncode(top.get('documents')![0]!.get('issuerSigned'))).toString('base64url'),
        received_at: new Date().toISOString(),
        expires_at: null,
      });
    }
    writeFileSync(env.DPROOF_WALLET!, JSON.stringify(wallet));
  });
  afterAll(async () => {
    await party?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const request = (values: string[]) =>
    createDcqlRequest(t.app, verifierKey, { ...mdocQuery(MDL, [[MDL_NS, 'age_over_19']]), trusted_authorities: [{ type: 'aki', values }] });

  it('presents the mdoc whose chain names the asked authority, not the first held one', async () => {
    const { id, authorization_request } = await request([await iacaKeyId(iacaB)]);
    const r = await runDproof(['wallet', 'present', authorization_request, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { disclosed: Record<string, { credential: string }>; response: { status: string } };
    assert.equal(out.disclosed.mdl?.credential, SECOND);
    assert.equal(out.response.status, 'verified');
    const res = await getVerifierRequest(t.app, verifierKey, id);
    assert.equal(res.json<{ status: string }>().status, 'verified');
    // And the other authority's: the first credential.
    const other = await request([await iacaKeyId(iacaA)]);
    const r2 = await runDproof(['wallet', 'present', other.authorization_request, '--json'], env);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((JSON.parse(r2.stdout) as { disclosed: Record<string, { credential: string }> }).disclosed.mdl?.credential, FIRST);
  });

  it('answers nothing when no held mdoc is under an asked authority, and says so', async () => {
    const { authorization_request } = await request(['AQIDBAUGBwgJCgsMDQ4PEBESExQ']);
    const r = await runDproof(['wallet', 'present', authorization_request], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /trusted_authorities/);
  });
});
