/**
 * What the OpenID4VCI domain functions need. The runtime (boot.ts) satisfies it, so the HTTP
 * routes pass their deps straight through; tests can build a smaller one.
 */
import type { Config } from '../config.js';
import type { IssuanceDeps } from './issue-credential.js';
import type { TrustedWalletProviders } from './client-attestation/trusted-wallet-providers.js';

export type VciConfig = Pick<
  Config,
  | 'publicUrl'
  | 'keyAlg'
  | 'offerTtlSeconds'
  | 'accessTokenTtlSeconds'
  | 'refreshTokenTtlSeconds'
  | 'cNonceTtlSeconds'
  | 'batchSize'
  | 'deferredTtlSeconds'
  | 'deferredIntervalSeconds'
  | 'deferredConfigurations'
  | 'dpopRequired'
  | 'walletAttestationRequired'
  | 'keyAttestationRequired'
  | 'dpopNonceTtlSeconds'
  | 'authorizationCode'
  // The operator secret (c_nonce MAC key, c-nonce.ts).
  | 'keyBackend'
  | 'pkcs11'
  | 'keysDir'
  | 'keyPassphrase'
>;

export type VciDeps = Omit<IssuanceDeps, 'issuer' | 'alg'> & {
  config: VciConfig;
  /** Wallet providers trusted for key attestations (Appendix D); none when absent. */
  walletProviders?: TrustedWalletProviders;
};

/** The deps issueCredential wants: this service is the issuer, signing with the configured algorithm. */
export const issuanceDepsOf = (deps: VciDeps): IssuanceDeps => ({ ...deps, issuer: deps.config.publicUrl, alg: deps.config.keyAlg });

/** Transaction-code attempts before a pre-authorized code is burned (OpenID4VCI §13.6.3 Transaction Code Guessing). */
export const MAX_TX_CODE_ATTEMPTS = 5;
/** Digits of the transaction codes we generate. */
export const TX_CODE_LENGTH = 6;
/** Tolerated clock difference for a proof's `iat` in the future (OpenID4VCI §13.8 Proof replay, note on clock offsets). */
export const PROOF_IAT_SKEW_SECONDS = 60;
/** Expired OpenID4VCI rows (never their claims) are kept this long, then deleted. */
export const EXPIRED_ROW_KEEP_MS = 86_400_000;
