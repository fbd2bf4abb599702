/**
 * The key that seals the private halves of OpenID4VP response encryption keys at rest: the
 * operator seal key (keys/operator-seal-key.ts) under this use's own label.
 */
import type { Config } from '../../config.js';
import { operatorSealKey } from '../../keys/operator-seal-key.js';

const INFO = 'dproof openid4vp response-encryption key seal v1';

export const responseKeySealKey = (config: Config): Buffer => operatorSealKey(config, INFO);
