/**
 * Claims waiting for a deferred issuance (OpenID4VCI §9) are held in the store only sealed, like
 * the claims of the Authorization Code Flow (authorization/claims-seal.ts): a copy of the
 * database, or a log of it, reveals no personal data.
 *
 * Why not the same AES key derived from a secret: the claims of one transaction are sealed twice,
 * by different parties at different times. The credential endpoint seals what the offer held when
 * it opens the transaction, and the agency's back office may seal new claims when it completes it
 * (POST /v1/deferred/{id}/complete), on any node, long after, without the wallet's secret. So the
 * seal is public-key: each transaction has an X25519 key pair derived from its `transaction_id`
 * (which only the wallet holds; the store has its SHA-256). The store keeps the PUBLIC key beside
 * the claims (`claims_key`, migration 0014), so any node can seal to it; the private key exists
 * only while the wallet's deferred credential request is being served, derived again from the
 * `transaction_id` it sends, so any node can open it then and none can before. Encryption is a JWE
 * (ECDH-ES, A256GCM) made by jose. Rows written before 0014 hold plain JSON and no key; they are
 * read as they are until they expire (DEFERRED_TTL_SECONDS).
 */
import { createHmac, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

const PREFIX = 'sealed-x25519.';
/**
 * Hand-written because node:crypto imports a raw X25519 private key only inside a PKCS#8 wrapper:
 * this is that wrapper's fixed DER prefix (RFC 8410 §7, OID 1.3.101.110), followed by the 32
 * bytes. Every 32-byte string is a valid X25519 private key (RFC 7748 §5 clamps it), so HMAC
 * output can be used as one directly.
 */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function transactionKey(transactionId: string): KeyObject {
  const d = createHmac('sha256', transactionId).update('dproof deferred claims seal v1').digest();
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, d]), format: 'der', type: 'pkcs8' });
}

/** The public key to store beside a transaction's claims (a JWK, as JSON text). */
export const deferredClaimsKey = (transactionId: string): string =>
  JSON.stringify(createPublicKey(transactionKey(transactionId)).export({ format: 'jwk' }));

/** Claims (JSON text) sealed to a transaction's public key; `key` null (a row from before 0014) keeps them plain. */
export async function sealDeferredClaims(json: string, key: string | null): Promise<string> {
  if (key === null) return json;
  const publicKey = createPublicKey({ key: JSON.parse(key) as import('node:crypto').JsonWebKey, format: 'jwk' });
  const jwe = await new CompactEncrypt(new TextEncoder().encode(json))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
    .encrypt(publicKey);
  return `${PREFIX}${jwe}`;
}

/** The JSON text of stored claims: opened with the wallet's transaction_id, or plain (a row from before 0014); undefined when damaged. */
export async function openDeferredClaims(stored: string, transactionId: string): Promise<string | undefined> {
  if (!stored.startsWith(PREFIX)) return stored;
  try {
    const { plaintext } = await compactDecrypt(stored.slice(PREFIX.length), transactionKey(transactionId));
    return new TextDecoder().decode(plaintext);
  } catch {
    return undefined;
  }
}
