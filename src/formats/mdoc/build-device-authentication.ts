/**
 * The bytes a holder signs and a verifier checks in mdoc device authentication, with no Node
 * built-ins so the web wallet builds exactly what the server's verifier (verify-device-signature.ts)
 * recomputes: the #6.24 wrapping (RFC 8949 §3.4.5.1), DeviceAuthenticationBytes (ISO/IEC 18013-5
 * §9.1.3.4) and the OpenID4VP 1.0 Annex B.2.6.1 SessionTranscript around a SHA-256 the caller
 * computes (node:crypto on the server, crypto.subtle in the browser).
 */
import { cborEncode } from '@owf/mdoc';

/** The #6.24 encoding of `inner` (RFC 8949 §3.4.5.1): tag head, byte string head, bytes. */
export function wrapTag24(inner: Uint8Array): Uint8Array {
  const n = inner.length;
  const head =
    n < 24
      ? [0x40 | n]
      : n < 0x100
        ? [0x58, n]
        : n < 0x10000
          ? [0x59, n >> 8, n & 0xff]
          : [0x5a, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(2 + head.length + n);
  out.set([0xd8, 0x18, ...head]);
  out.set(inner, 2 + head.length);
  return out;
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** DeviceAuthenticationBytes (§9.1.3.4), built from the bytes as received (or, for a wallet, as it sends them). */
export function deviceAuthenticationBytes(docType: string, deviceNameSpacesBytes: Uint8Array, sessionTranscript: Uint8Array): Uint8Array {
  const parts = [Uint8Array.of(0x84), cborEncode('DeviceAuthentication'), sessionTranscript, cborEncode(docType), deviceNameSpacesBytes];
  return wrapTag24(concat(parts));
}

export interface OpenId4VpHandoverInput {
  clientId: string;
  nonce: string;
  responseUri: string;
  /** RFC 7638 thumbprint of the verifier's encryption key when the response was encrypted (direct_post.jwt). */
  jwkThumbprint?: Uint8Array;
}

/** OpenID4VP 1.0 Annex B.2.6.1: OpenID4VPHandoverInfo, the CBOR the handover hashes. */
export const openId4VpHandoverInfo = (h: OpenId4VpHandoverInput): Uint8Array =>
  cborEncode([h.clientId, h.nonce, h.jwkThumbprint ?? null, h.responseUri]);

/** Annex B.2.6.1: SessionTranscript = [null, null, ["OpenID4VPHandover", sha-256(OpenID4VPHandoverInfo)]]. */
export const sessionTranscriptOfHandover = (infoHash: Uint8Array): Uint8Array =>
  cborEncode([null, null, ['OpenID4VPHandover', new Uint8Array(infoHash)]]);
