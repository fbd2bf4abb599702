/**
 * Wallet providers the operator trusts (TRUSTED_WALLET_PROVIDERS): their public keys sign the
 * wallet attestations (OAuth 2.0 Attestation-Based Client Authentication §4) and the key
 * attestations (OpenID4VCI Appendix D) their wallets present. One JSON file, read at start:
 *
 *   { "providers": [ { "name": "Example Wallet", "keys": [ { "kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…" } ],
 *                      "certificates": [ "-----BEGIN CERTIFICATE-----…" ] } ] }
 *
 * `keys` sign directly (found by `kid`); `certificates` are trust anchors (CA certificates) for
 * attestations that carry their signing certificate in `x5c`, as HAIP asks.
 *
 * Every key passes the public-key gate (a real P-256 or Ed25519 point, no private members).
 * A bad file stops the start with a line naming the variable.
 */
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { checkPublicJwk } from '../../formats/jose/check-public-jwk.js';
import { algForJwk } from '../../formats/jose/import-public-key.js';
import { isJsonObject } from '../../formats/jose/types.js';
import type { SigningAlg } from '../../keys/signer.js';
import { X509Certificate } from 'node:crypto';
import type { TrustAnchor } from './verify-x5c-chain.js';

export interface WalletProviderKey {
  /** The provider's name, for logs and the token row. */
  provider: string;
  kid: string | undefined;
  jwk: JWK;
  alg: SigningAlg;
}

export interface TrustedWalletProviders {
  readonly keys: readonly WalletProviderKey[];
  /** Trust anchors for attestations signed under an `x5c` chain (HAIP §4.4.1, §4.5.1). */
  readonly anchors: readonly TrustAnchor[];
  /** The keys that may have signed a token with this `kid` (all of them when it names none). */
  candidates(kid: string | undefined): WalletProviderKey[];
}

export class WalletProvidersError extends Error {}

export function trustedWalletProviders(keys: WalletProviderKey[], anchors: TrustAnchor[] = []): TrustedWalletProviders {
  return {
    keys,
    anchors,
    candidates: (kid) => (kid === undefined ? keys : keys.filter((k) => k.kid === kid)),
  };
}

export const NO_WALLET_PROVIDERS: TrustedWalletProviders = trustedWalletProviders([]);

/** Parses the file's JSON text; throws WalletProvidersError naming what is wrong. */
export function parseWalletProviders(text: string): TrustedWalletProviders {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WalletProvidersError('is not JSON');
  }
  if (!isJsonObject(doc) || !Array.isArray(doc.providers)) throw new WalletProvidersError('must be { "providers": [ … ] }');
  const keys: WalletProviderKey[] = [];
  const anchors: TrustAnchor[] = [];
  doc.providers.forEach((p, i) => {
    if (!isJsonObject(p) || typeof p.name !== 'string' || p.name === '' || p.name.length > 200)
      throw new WalletProvidersError(`providers[${i}] needs a name`);
    const certificates = p.certificates ?? [];
    if (!Array.isArray(certificates)) throw new WalletProvidersError(`providers[${i}].certificates must be a list of PEM certificates`);
    certificates.forEach((pem, j) => {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(String(pem));
      } catch {
        throw new WalletProvidersError(`providers[${i}].certificates[${j}] is not a PEM certificate`);
      }
      if (!certificate.ca) throw new WalletProvidersError(`providers[${i}].certificates[${j}] is not a CA certificate`);
      anchors.push({ provider: p.name as string, certificate });
    });
    const keyList = p.keys ?? [];
    if (!Array.isArray(keyList) || (keyList.length === 0 && certificates.length === 0))
      throw new WalletProvidersError(`providers[${i}] (${p.name}) needs keys or certificates`);
    keyList.forEach((k, j) => {
      const kid = isJsonObject(k) && typeof k.kid === 'string' ? k.kid : undefined;
      let jwk: JWK;
      try {
        const { kid: _kid, alg: _alg, use: _use, ...rest } = isJsonObject(k) ? k : {};
        jwk = checkPublicJwk(rest, { torsionFree: true }) as JWK;
      } catch (e) {
        throw new WalletProvidersError(`providers[${i}].keys[${j}] is not a public P-256 or Ed25519 key (${(e as Error).message})`);
      }
      keys.push({ provider: p.name as string, kid, jwk, alg: algForJwk(jwk) });
    });
  });
  return trustedWalletProviders(keys, anchors);
}

export function loadWalletProviders(path: string | undefined): TrustedWalletProviders {
  if (path === undefined) return NO_WALLET_PROVIDERS;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WalletProvidersError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseWalletProviders(text);
}
