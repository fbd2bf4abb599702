/** Wallet attestations (OAuth 2.0 Attestation-Based Client Authentication §4, §5.1) for tests. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { holderKey, type HolderKey } from './vci-helpers.js';

type CryptoKeyLike = import('node:crypto').webcrypto.CryptoKey;

export interface WalletProvider {
  name: string;
  key: HolderKey;
  kid: string;
}

export const walletProvider = (name = 'Test Wallet Provider'): WalletProvider => ({ name, key: holderKey(), kid: randomUUID() });

/** A TRUSTED_WALLET_PROVIDERS file naming these providers; returns its path. */
export function providersFile(providers: WalletProvider[], pki: { name: string; caPem: string }[] = []): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dproof-wp-')), 'wallet-providers.json');
  const entries = [
    ...providers.map((p) => ({ name: p.name, keys: [{ ...p.key.jwk, kid: p.kid }] })),
    ...pki.map((p) => ({ name: p.name, certificates: [p.caPem] })),
  ];
  writeFileSync(path, JSON.stringify({ providers: entries }));
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

/** The two headers of attestation-based client authentication: `provider`'s attestation (for client `sub`) of the instance key (a fresh one unless given), and that key's PoP for `aud`. */
export async function attestationHeaders(
  provider: WalletProvider,
  sub: string,
  aud: string,
  instance: HolderKey = holderKey(),
): Promise<Record<string, string>> {
  return {
    'oauth-client-attestation': await clientAttestation(provider, instance, { sub }),
    'oauth-client-attestation-pop': await clientAttestationPop(instance, { aud }),
  };
}

/** A wallet provider PKI: a CA (the trust anchor) and a signing certificate it issued (HAIP: sent in x5c). */
export async function providerPki(name = 'PKI Wallet Provider') {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const subtle = globalThis.crypto.subtle;
  x509.cryptoProvider.set(globalThis.crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as { privateKey: CryptoKeyLike; publicKey: CryptoKeyLike };
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name} Root`,
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const issue = async (issuerName: string, issuerKey: CryptoKeyLike, usage?: number) => {
    const keys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as { privateKey: CryptoKeyLike; publicKey: CryptoKeyLike };
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${name} attestation signer`,
      issuer: issuerName,
      publicKey: keys.publicKey,
      signingKey: issuerKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        ...(usage === undefined ? [] : [new x509.KeyUsagesExtension(usage, true)]),
      ],
    });
    return { privateKey: keys.privateKey, x5c: Buffer.from(cert.rawData).toString('base64') };
  };
  const leaf = await issue(ca.subject, caKeys.privateKey);
  /** A signing certificate whose keyUsage states keyEncipherment only (RFC 5280 §4.2.1.3: it signs nothing). */
  const encipherOnly = await issue(ca.subject, caKeys.privateKey, x509.KeyUsageFlags.keyEncipherment);
  const signingUsage = await issue(ca.subject, caKeys.privateKey, x509.KeyUsageFlags.digitalSignature);
  const selfKeys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as { privateKey: CryptoKeyLike; publicKey: CryptoKeyLike };
  const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name} self`,
    keys: selfKeys,
    signingAlgorithm: alg,
  });
  return {
    name,
    caPem: ca.toString('pem'),
    caX5c: Buffer.from(ca.rawData).toString('base64'),
    leaf,
    encipherOnly,
    signingUsage,
    selfSigned: { privateKey: selfKeys.privateKey, x5c: Buffer.from(selfSigned.rawData).toString('base64') },
  };
}

/** A wallet attestation signed under an x5c chain. */
export async function clientAttestationX5c(signer: { privateKey: CryptoKeyLike }, x5c: string[], instance: HolderKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'https://wallet.example/pki', iat: now, exp: now + 3600, cnf: { jwk: instance.jwk } })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation+jwt', x5c })
    .sign(signer.privateKey);
}
