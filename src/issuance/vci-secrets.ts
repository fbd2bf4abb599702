/**
 * Secrets of the OpenID4VCI flow (offer references, pre-authorized codes, access tokens,
 * c_nonces): 256-bit random values, base64url. Only their SHA-256 is stored, so a copy of the
 * database hands out nothing.
 */
import { createHmac, hash, randomInt, timingSafeEqual } from 'node:crypto';
import { randomText } from '../random-source.js';

export const newSecret = (): string => randomText(32);

export const hashSecret = (secret: string): string => hash('sha256', secret, 'base64url');

/**
 * The pre-authorized code of an offer, derived from its reference: whoever may read the offer
 * (OpenID4VCI §4.1.3, by reference) gets the code anyway, and this way neither value is stored.
 */
export const deriveCode = (offerRef: string): string =>
  createHmac('sha256', offerRef).update('openid4vci pre-authorized_code').digest('base64url');

/** A numeric transaction code of `length` digits (OpenID4VCI §4.1.1 `tx_code.input_mode` numeric). */
export const newTxCode = (length: number): string => Array.from({ length }, () => String(randomInt(10))).join('');

/** Stored form of a transaction code, salted with the offer id. */
export const hashTxCode = (offerId: string, txCode: string): string => hashSecret(`${offerId}:${txCode}`);

export const sameHash = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
