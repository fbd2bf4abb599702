/**
 * A WebCrypto-shaped provider for @peculiar/x509 whose only private key is our `Signer` (ES256:
 * raw r||s, as WebCrypto returns it), so the key backend — an encrypted file or a PKCS#11 module —
 * signs certificates and CSRs without the private key ever leaving it. Digests, SPKI export of
 * public keys and random values come from node's WebCrypto.
 */
import { webcrypto } from 'node:crypto';
import type { Signer } from './signer.js';

export interface SignerWebCrypto {
  /** Pass as the generator's `crypto` argument. */
  crypto: never;
  /** The stand-in private key to name as `signingKey` / `keys.privateKey`. */
  privateKey: never;
}

export function signerWebCrypto(signer: Signer): SignerWebCrypto {
  const privateKey = { algorithm: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }, type: 'private' };
  const subtle = {
    sign: async (_alg: unknown, key: unknown, data: ArrayBuffer | ArrayBufferView) => {
      if (key !== privateKey) throw new Error('unexpected key: only the Signer stand-in signs here');
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      const sig = await signer.sign(bytes);
      return sig.buffer.slice(sig.byteOffset, sig.byteOffset + sig.byteLength);
    },
    exportKey: (format: 'spki', key: webcrypto.CryptoKey) => webcrypto.subtle.exportKey(format, key),
    digest: (alg: string, data: ArrayBuffer | ArrayBufferView) => webcrypto.subtle.digest(alg, data),
  };
  const crypto = { subtle, getRandomValues: <T extends ArrayBufferView | null>(a: T): T => webcrypto.getRandomValues(a as never) };
  return { crypto: crypto as never, privateKey: privateKey as never };
}
