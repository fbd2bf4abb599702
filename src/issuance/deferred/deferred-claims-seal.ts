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
import { x25519 } from '@noble/curves/ed25519.js';
import { CompactEncrypt, compactDecrypt } from 'jose';

const PREFIX = 'sealed-x25519.';

/**
 * The transaction's X25519 private key: 32 bytes of HMAC output are a valid X25519 private key
 * (RFC 7748 §5 clamps any 32 bytes), imported as an RFC 8037 OKP JWK; node:crypto wants its `x`
 * too, which @noble/curves computes (RFC 7748 §6.1: the scalar times the base point).
 */
function transactionKey(transactionId: string): KeyObject {
  const d = createHmac('sha256', transactionId).update('dproof deferred claims seal v1').digest();
  const x = Buffer.from(x25519.getPublicKey(d)).toString('base64url');
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: d.toString('base64url'), x }, format: 'jwk' });
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
