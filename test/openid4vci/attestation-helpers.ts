/** Wallet attestations (OAuth 2.0 Attestation-Based Client Authentication §4, §5.1) for tests. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { holderKey, type HolderKey } from './vci-helpers.js';

export interface WalletProvider {
  name: string;
  key: HolderKey;
  kid: string;
}

export const walletProvider = (name = 'Test Wallet Provider'): WalletProvider => ({ name, key: holderKey(), kid: randomUUID() });

/** A TRUSTED_WALLET_PROVIDERS file naming these providers; returns its path. */
export function providersFile(providers: WalletProvider[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dproof-wp-')), 'wallet-providers.json');
  writeFileSync(path, JSON.stringify({ providers: providers.map((p) => ({ name: p.name, keys: [{ ...p.key.jwk, kid: p.kid }] })) }));
  return path;
}

export async function clientAttestation(
  provider: WalletProvider,
  instance: HolderKey,
  o: { sub?: string; exp?: number; typ?: string; payload?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'https://wallet-provider.example',
    sub: o.sub ?? 'https://wallet.example/dproof-test',
    iat: now,
    exp: o.exp ?? now + 3600,
    cnf: { jwk: instance.jwk },
    ...o.payload,
  })
    .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'oauth-client-attestation+jwt', kid: provider.kid })
    .sign(provider.key.privateKey);
}

export async function clientAttestationPop(
  instance: HolderKey,
  o: { aud: string; jti?: string; iat?: number; typ?: string },
): Promise<string> {
  const alg = instance.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
  return new SignJWT({ aud: o.aud, jti: o.jti ?? randomUUID(), iat: o.iat ?? Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ alg, typ: o.typ ?? 'oauth-client-attestation-pop+jwt' })
    .sign(instance.privateKey);
}
