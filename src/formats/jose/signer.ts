import type { JWK } from 'jose';

/** JWS algorithms this service signs and verifies with. Each key is used with exactly one. */
export type SigningAlg = 'ES256' | 'EdDSA';

/**
 * What signing code needs from a key: encrypted key files (src/keys/file-key-store.ts) and
 * PKCS#11 modules (src/keys/pkcs11/) implement it; a cloud KMS could too, without touching
 * the code that signs.
 */
export interface Signer {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  readonly kid: string;
  readonly alg: SigningAlg;
  /** Public JWK with `kid`, `alg` and `use: "sig"`; never holds private members. */
  readonly publicJwk: JWK;
  /**
   * The X.509 chain certifying `publicJwk` (base64 DER, leaf first, no trust anchor), when the key
   * has an issuer certificate: SD-JWT VCs and Status List Tokens carry it as `x5c` (HAIP 1.0 §6.1.1).
   */
  readonly x5c?: readonly string[];
  /** Returns the JWS signature over `signingInput` (ES256: raw r||s, 64 bytes). */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}
