/**
 * What the token endpoint learned about the wallet before it redeems a code: the DPoP key the
 * token will be bound to (RFC 9449 §5) and the wallet attestation that authenticated it
 * (attest_jwt_client_auth). `checkSenderPolicy` applies the configuration's policy to the offer's
 * credential configuration (HAIP: DPoP and wallet attestation required).
 */
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { requiredFor } from './configuration-policy.js';
import { dpopError } from './dpop/dpop-errors.js';

export interface SenderBinding {
  /** RFC 7638 thumbprint of the DPoP proof key (`cnf.jkt`), when the request carried a DPoP proof. */
  dpopJkt?: string;
  /** `sub` of a verified wallet attestation. */
  walletClient?: string;
  /** RFC 7638 thumbprint of that attestation's `cnf.jwk`: the wallet instance. */
  walletInstanceJkt?: string;
}

/** RFC 9449 §5 / HAIP §4.3: this configuration's tokens are sender-constrained (DPOP_REQUIRED), whatever the grant. */
export function checkDpopPolicy(config: Pick<Config, 'dpopRequired'>, configurationId: string, sender: SenderBinding): void {
  if (sender.dpopJkt === undefined && requiredFor(config.dpopRequired, configurationId))
    throw dpopError(
      'invalid_dpop_proof',
      'a DPoP proof is required for this credential',
      '이 증명서를 받으려면 토큰 요청에 DPoP 증명을 함께 보내야 합니다.',
      'token',
    );
}

export function checkSenderPolicy(
  config: Pick<Config, 'dpopRequired' | 'walletAttestationRequired'>,
  configurationId: string,
  sender: SenderBinding,
): void {
  checkDpopPolicy(config, configurationId, sender);
  checkWalletAttestationPolicy(config, configurationId, sender.walletClient !== undefined);
}

/**
 * OAuth Attestation-Based Client Authentication / HAIP §4.4.1: a configuration WALLET_ATTESTATION_REQUIRED
 * names needs an attested wallet, at the token endpoint and at PAR alike.
 */
export function checkWalletAttestationPolicy(
  config: Pick<Config, 'walletAttestationRequired'>,
  configurationId: string,
  attested: boolean,
): void {
  if (!attested && requiredFor(config.walletAttestationRequired, configurationId))
    throw new AppError(
      'invalid_client',
      'a wallet attestation (OAuth-Client-Attestation and -PoP) from a trusted wallet provider is required',
      {
        ko: '이 증명서를 받으려면 신뢰하는 지갑 제공자가 발급한 지갑 증명(OAuth-Client-Attestation 헤더와 그 소유 증명)을 함께 보내야 합니다.',
      },
    );
}
