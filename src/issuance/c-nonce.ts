/**
 * c_nonces (OpenID4VCI §7) that cost the store nothing until they are used: a c_nonce carries its
 * expiry and 128 random bits under an HMAC-SHA256 tag, keyed with a random secret every node
 * shares (cNonceKey), so any node tells one of ours from a made-up one without a lookup. Single
 * use is kept where it matters: the credential request that uses a c_nonce records its hash in
 * the same commit that consumes the offer, and a second use finds the row (vci-issuance-repo.ts). The anonymous nonce endpoint therefore writes nothing: it was one
 * commit per call, a sixth of a flow's commits, and a way to fill the store from outside.
 *
 * Form: base64url(version 1 ‖ expiry in ms, 6 bytes ‖ 16 random bytes ‖ first 16 bytes of the
 * HMAC over those 23), 52 characters. Hand-written: a MAC over a fixed layout, no library needed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { serviceSecret } from '../keys/service-secret.js';
import { systemRandom } from '../random-source.js';

const VERSION = 1;
const BODY = 1 + 6 + 16;
const TAG = 16;
const ENCODED_LENGTH = Math.ceil(((BODY + TAG) * 4) / 3);

/**
 * The MAC key of c_nonces: a random secret every node reads from the store (service-secret.ts).
 * Not derived from the operator secret: a c_nonce is handed to anyone, and its tag would let them
 * test guesses of a passphrase or PIN offline.
 */
export const cNonceKey = (deps: { store: Pick<Store, 'serviceSecrets'>; clock: Clock }): Promise<Buffer> =>
  serviceSecret(deps.store, 'openid4vci c_nonce hmac', deps.clock.now());

const tagOf = (key: Buffer, body: Buffer): Buffer => createHmac('sha256', key).update(body).digest().subarray(0, TAG);

/** A new c_nonce valid until `expiresAt` (ms). */
export function mintCNonce(key: Buffer, expiresAt: number): string {
  const body = Buffer.alloc(BODY);
  body[0] = VERSION;
  body.writeUIntBE(expiresAt, 1, 6);
  body.set(systemRandom(16), 7);
  return Buffer.concat([body, tagOf(key, body)]).toString('base64url');
}

/** The expiry of a c_nonce this service made and that has not expired at `now`; undefined otherwise. */
export function readCNonce(key: Buffer, nonce: string, now: number): { expiresAt: number } | undefined {
  if (nonce.length !== ENCODED_LENGTH || !/^[A-Za-z0-9_-]+$/.test(nonce)) return undefined;
  const bytes = Buffer.from(nonce, 'base64url');
  if (bytes.length !== BODY + TAG || bytes[0] !== VERSION) return undefined;
  const body = bytes.subarray(0, BODY);
  if (!timingSafeEqual(bytes.subarray(BODY), tagOf(key, body))) return undefined;
  const expiresAt = body.readUIntBE(1, 6);
  return expiresAt > now ? { expiresAt } : undefined;
}
