/**
 * The bytes a holder signs and a verifier checks in mdoc device authentication, with no Node
 * built-ins so the web wallet builds exactly what the server's verifier (verify-device-signature.ts)
 * recomputes: the #6.24 wrapping (RFC 8949 §3.4.5.1), DeviceAuthenticationBytes (ISO/IEC 18013-5
 * §9.1.3.4) and the OpenID4VP 1.0 Annex B.2.6.1 (redirect) / B.2.6.2 (DC API) SessionTranscript around a SHA-256 the caller
 * computes (node:crypto on the server, crypto.subtle in the browser).
 */
import { encodeCbor } from './encode-cbor.js';

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
  const parts = [Uint8Array.of(0x84), encodeCbor('DeviceAuthentication'), sessionTranscript, encodeCbor(docType), deviceNameSpacesBytes];
  return wrapTag24(concat(parts));
}

/** A request invoked by redirect (Annex B.2.6.1): bound to the client, the nonce and the Response URI. */
export interface RedirectHandoverInput {
  clientId: string;
  nonce: string;
  responseUri: string;
  /** RFC 7638 thumbprint of the verifier's encryption key when the response was encrypted (direct_post.jwt). */
  jwkThumbprint?: Uint8Array;
}

/** A request through the Digital Credentials API (Annex B.2.6.2): bound to the calling origin and the nonce. */
export interface DcApiHandoverInput {
  /** The origin the browser gave the wallet, bare (B.2.6.2: "MUST NOT be prefixed with `origin:`"). */
  origin: string;
  nonce: string;
  /** RFC 7638 thumbprint of the verifier's encryption key for `dc_api.jwt`; absent (null) for `dc_api`. */
  jwkThumbprint?: Uint8Array;
}

export type OpenId4VpHandoverInput = RedirectHandoverInput | DcApiHandoverInput;

export interface OpenId4VpHandover {
  name: 'OpenID4VPHandover' | 'OpenID4VPDCAPIHandover';
  /** The CBOR the handover hashes (OpenID4VPHandoverInfo or OpenID4VPDCAPIHandoverInfo). */
  info: Uint8Array;
}

/**
 * OpenID4VP 1.0 Annex B.2.6.1: OpenID4VPHandoverInfo = [clientId, nonce, jwkThumbprint / null, responseUri];
 * Annex B.2.6.2: OpenID4VPDCAPIHandoverInfo = [origin, nonce, jwkThumbprint / null].
 */
export const openId4VpHandover = (h: OpenId4VpHandoverInput): OpenId4VpHandover =>
  'origin' in h
    ? { name: 'OpenID4VPDCAPIHandover', info: encodeCbor([h.origin, h.nonce, h.jwkThumbprint ?? null]) }
    : { name: 'OpenID4VPHandover', info: encodeCbor([h.clientId, h.nonce, h.jwkThumbprint ?? null, h.responseUri]) };

/** Annex B.2.6.1 / B.2.6.2: SessionTranscript = [null, null, [<handover name>, sha-256(<handover info>)]]. */
export const sessionTranscriptOfHandover = (name: OpenId4VpHandover['name'], infoHash: Uint8Array): Uint8Array =>
  encodeCbor([null, null, [name, new Uint8Array(infoHash)]]);
