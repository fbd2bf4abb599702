/**
 * The wallet's client checks at the PAR endpoint (RFC 9126 with attest_jwt_client_auth, HAIP
 * §4.4.1): the ParClientCheck the authorization routes call before anything is stored.
 *
 * 1. A wallet attestation is verified whenever sent (its `sub` must be the request's
 *    `client_id`, §7.1 (7)), and required for the configurations WALLET_ATTESTATION_REQUIRED names.
 * 2. The redirect_uri: a client registered in WALLET_CLIENTS may use only its own (RFC 6749
 *    §3.1.2.3, exact match; any port on a loopback IP, RFC 8252 §7.3); an unregistered client
 *    must have authenticated with an attestation (RFC 9126 §2.4), since a public client's
 *    redirect_uri is otherwise anyone's (RFC 6749 §3.1.2.2) and the code of a citizen lured to
 *    an attacker's link would go to the attacker.
 *    Outside production an unregistered, unattested wallet is let through (development wallets).
 */
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { checkWalletAttestationPolicy } from '../sender-binding.js';
import { authorizationError } from '../authorization/authorization-deps.js';
import type { ParClientCheck } from '../authorization/par-client-check.js';
import type { WalletClients } from '../authorization/wallet-clients.js';
import { sameRedirectUri } from '../authorization/redirect-uri.js';
import type { TrustedWalletProviders } from './trusted-wallet-providers.js';
import { verifyClientAttestation } from './verify-client-attestation.js';

export function walletAttestationParCheck(deps: {
  store: Pick<Store, 'nonces'>;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'walletAttestationRequired' | 'nodeEnv'>;
  walletProviders: TrustedWalletProviders;
  walletClients: WalletClients;
}): ParClientCheck {
  return async (ctx) => {
    const verified = await verifyClientAttestation(
      { walletProviders: deps.walletProviders, store: deps.store, clock: deps.clock, audience: deps.config.publicUrl },
      ctx.headers,
      ctx.clientId,
    );
    checkWalletAttestationPolicy(deps.config, ctx.configurationId, verified !== undefined);
    const registered = deps.walletClients.get(ctx.clientId);
    if (registered !== undefined) {
      if (!registered.some((uri) => sameRedirectUri(uri, ctx.redirectUri)))
        throw authorizationError(
          'invalid_request',
          'redirect_uri is not one registered for this client_id (WALLET_CLIENTS)',
          '돌아올 주소(redirect_uri)가 이 클라이언트(client_id)에 등록된 주소가 아닙니다.',
        );
      return;
    }
    if (verified === undefined && deps.config.nodeEnv === 'production')
      throw new AppError(
        'invalid_client',
        'this client_id is not a registered wallet (WALLET_CLIENTS) and sent no wallet attestation: an unauthenticated client may use only a registered redirect_uri',
        {
          ko: '등록된 지갑(client_id)이 아니고 지갑 증명도 보내지 않았습니다. 인증되지 않은 클라이언트는 등록된 돌아올 주소(redirect_uri)만 쓸 수 있습니다.',
        },
      );
  };
}
