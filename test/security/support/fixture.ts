/**
 * One app per test file and store: issuer, verifier and admin keys, a holder with a credential
 * bound to its key, the verifier identifier, the issuer's signer (to craft tokens our issuer
 * really signed), and a canary HTTP server that counts every request made to it (a URL in a
 * token must never be fetched: SSRF, SECURITY.md "Tokens").
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { generateHolderKey, type HolderKey } from '../../../src/wallet/holder-key.js';
import type { Signer } from '../../../src/keys/signer.js';
import { counterChallenge, counterOf, issueViaApi } from '../../presentation/helpers.js';

export interface Canary {
  url: string;
  hits: number;
}

export interface SecurityFixture {
  t: TestApp;
  keys: { issuer: string; verifier: string; admin: string };
  holder: HolderKey;
  /** A driver-license SD-JWT VC (`<JWT>~<Disclosures>~`) bound to `holder`. */
  credential: string;
  credentialId: string;
  /** KB-JWT `aud` of counter presentations to the fixture verifier client. */
  aud: string;
  /** Credential Issuer Identifier (`PUBLIC_URL`). */
  issuer: string;
  issuerSigner: Signer;
  canary: Canary;
}

async function startCanary(): Promise<{ canary: Canary; server: Server }> {
  const canary: Canary = { url: '', hits: 0 };
  const server = createServer((_req, res) => {
    canary.hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { canary, server };
}

export async function startSecurityFixture(
  store: 'sqlite' | 'postgres',
  env: Record<string, string> = {},
): Promise<SecurityFixture & { close(): Promise<void> }> {
  const { canary, server } = await startCanary();
  const t = await startTestApp({ store, env: { RATE_LIMIT_PER_MINUTE: '0', ...env } });
  const keys = { issuer: await t.apiKey('issuer'), verifier: await t.apiKey('verifier'), admin: await t.apiKey('admin') };
  const holder = await generateHolderKey();
  const issued = await issueViaApi(t, keys.issuer, 'driver-license', holder);
  return {
    t,
    keys,
    holder,
    credential: issued.credential,
    credentialId: issued.id,
    aud: (await counterChallenge(counterOf(t.app, keys.verifier))).aud,
    issuer: t.config.publicUrl,
    issuerSigner: t.runtime.keys.signer(t.config.keyAlg),
    canary,
    close: async () => {
      await t.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
