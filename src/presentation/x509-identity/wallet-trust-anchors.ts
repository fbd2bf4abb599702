/**
 * The trust anchors this service's web wallet page uses for verifiers that identify themselves by
 * X.509 (OpenID4VP 1.0 §5.9.3): the CA certificates the operator configured
 * (WALLET_TRUST_ANCHORS) and, outside production, the self-signed roots of this service's own
 * development verifier certificates (`dproof verifier-certs create --dev`), so a development
 * service's wallet page answers its own X.509 requests. A wallet is never told to trust a root
 * in production it was not configured with.
 */
import type { Store } from '../../store/store.js';
import { readStoredChain } from './manage-verifier-identities.js';

export interface WalletTrustAnchor {
  /** DER, base64 (x5c style). */
  certificate: string;
  source: 'configured' | 'development';
}

const pemBody = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

export async function walletTrustAnchors(deps: {
  store: Store;
  config: { walletTrustAnchors: readonly string[]; nodeEnv: string };
}): Promise<{ anchors: WalletTrustAnchor[] }> {
  const anchors: WalletTrustAnchor[] = deps.config.walletTrustAnchors.map((pem) => ({ certificate: pemBody(pem), source: 'configured' }));
  if (deps.config.nodeEnv !== 'production') {
    for (const identity of await deps.store.verifierIdentities.list()) {
      if (identity.state !== 'active' && identity.state !== 'retiring') continue;
      const root = readStoredChain(identity)?.anchor;
      if (root && !anchors.some((a) => a.certificate === root)) anchors.push({ certificate: root, source: 'development' });
    }
  }
  return { anchors };
}
