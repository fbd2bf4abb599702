/**
 * Who signed a wallet provider's JWT (a wallet attestation or a key attestation): with an `x5c`
 * header, the signing certificate's key once its chain leads to a configured anchor
 * (verify-x5c-chain.ts); otherwise a configured provider key, by `kid` when the header names one.
 * Returns the provider's name, or undefined when no trusted key verifies the signature.
 */
import { algForJwk } from '../../formats/jose/import-public-key.js';
import { hasOwn, type ParsedJws } from '../../formats/jose/types.js';
import { verifyCompactJws } from '../../formats/jose/verify-compact-jws.js';
import type { SigningAlg } from '../../keys/signer.js';
import type { TrustedWalletProviders } from './trusted-wallet-providers.js';
import { verifyX5cChain, X5cRefusal } from './verify-x5c-chain.js';

export async function verifyProviderSignature(
  parsed: ParsedJws,
  alg: SigningAlg,
  expectedTyp: string,
  providers: TrustedWalletProviders,
  now: Date,
): Promise<string | undefined> {
  const { header } = parsed;
  if (hasOwn(header, 'x5c')) {
    let signer;
    try {
      signer = verifyX5cChain(header.x5c, providers.anchors, now);
    } catch (e) {
      if (e instanceof X5cRefusal) return undefined;
      throw e;
    }
    if (algForJwk(signer.jwk) !== alg) return undefined;
    try {
      await verifyCompactJws(parsed, { resolveKey: () => ({ jwk: signer.jwk, alg }), expectedTyp });
      return signer.provider;
    } catch {
      return undefined;
    }
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  for (const key of providers.candidates(kid).filter((k) => k.alg === alg)) {
    try {
      await verifyCompactJws(parsed, { resolveKey: () => ({ jwk: key.jwk, alg: key.alg }), expectedTyp });
      return key.provider;
    } catch {
      /* the next trusted key */
    }
  }
  return undefined;
}
