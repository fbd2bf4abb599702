/**
 * Random 256-bit secrets every node of a deployment shares through the store (migration 0016):
 * made by the first node that needs one, read by the others, kept in memory once read. For
 * MACs over values handed to anyone (c_nonces) a random key is what keeps the MAC from being an
 * offline test of a guessable secret, which the operator's passphrase or HSM PIN would be.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';

const read = new WeakMap<object, Map<string, Promise<Buffer>>>();

/** The secret `name` of this store; a failed read (store away) is not remembered. */
export function serviceSecret(store: Pick<Store, 'serviceSecrets'>, name: string, now: number): Promise<Buffer> {
  let byName = read.get(store);
  if (!byName) read.set(store, (byName = new Map()));
  let secret = byName.get(name);
  if (!secret) {
    secret = store.serviceSecrets
      .getOrCreate(name, randomBytes(32).toString('base64url'), now)
      .then((text) => Buffer.from(text, 'base64url'));
    secret.catch(() => byName.delete(name));
    byName.set(name, secret);
  }
  return secret;
}
