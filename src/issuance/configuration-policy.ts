/**
 * Per credential configuration policies from the configuration (DPOP_REQUIRED,
 * WALLET_ATTESTATION_REQUIRED, KEY_ATTESTATION_REQUIRED): `true` for every configuration,
 * `false` for none, or the listed configuration ids.
 */
import type { ConfigurationPolicy } from '../config.js';

export const requiredFor = (policy: ConfigurationPolicy, configurationId: string): boolean =>
  policy === true || (Array.isArray(policy) && policy.includes(configurationId));

/** True when the policy requires it for at least one configuration (what the metadata can say globally). */
export const requiredAnywhere = (policy: ConfigurationPolicy): boolean => policy === true || (Array.isArray(policy) && policy.length > 0);
