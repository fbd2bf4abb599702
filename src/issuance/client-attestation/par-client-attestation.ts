/**
 * Wallet attestation at the PAR endpoint (RFC 9126 with attest_jwt_client_auth, HAIP §4.4.1):
 * the ParClientCheck the authorization routes call before anything is stored. The attestation
 * is verified whenever sent (its `sub` must be the request's `client_id`, §7.1 (7)), and required
 * for the configurations WALLET_ATTESTATION_REQUIRED names.
 */
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Store } from '../../store/store.js';
import { checkWalletAttestationPolicy } from '../sender-binding.js';
import type { ParClientCheck } from '../authorization/par-client-check.js';
import type { TrustedWalletProviders } from './trusted-wallet-providers.js';
import { verifyClientAttestation } from './verify-client-attestation.js';

export function walletAttestationParCheck(deps: {
  store: Pick<Store, 'nonces'>;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'walletAttestationRequired'>;
  walletProviders: TrustedWalletProviders;
}): ParClientCheck {
  return async (ctx) => {
    const verified = await verifyClientAttestation(
      { walletProviders: deps.walletProviders, store: deps.store, clock: deps.clock, audience: deps.config.publicUrl },
      ctx.headers,
      ctx.clientId,
    );
    checkWalletAttestationPolicy(deps.config, ctx.configurationId, verified !== undefined);
  };
}
