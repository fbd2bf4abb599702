/**
 * Holder binding of an mdoc (ISO/IEC 18013-5 §9.1.3): the DeviceSignature, a COSE_Sign1 with a
 * detached payload, signs DeviceAuthenticationBytes =
 * #6.24(["DeviceAuthentication", SessionTranscript, DocType, DeviceNameSpacesBytes]) with the
 * device key the issuer put in the MSO. Over OpenID4VP the SessionTranscript is the one of
 * OpenID4VP 1.0 Annex B.2.6.1: [null, null, ["OpenID4VPHandover", sha-256(CBOR([client_id,
 * nonce, jwk_thumbprint / null, response_uri]))]] — so a response made for another request
 * (nonce), verifier (client_id) or Response URI does not verify; over the Digital Credentials API
 * (B.2.6.2) ["OpenID4VPDCAPIHandover", sha-256(CBOR([origin, nonce, jwk_thumbprint / null]))],
 * so one made for another origin does not.
 */
import { createPublicKey, type KeyObject, hash } from 'node:crypto';
import { formatError } from '../error-codes.js';
import { checkPublicJwk, type CheckPublicJwkOptions, type PublicJwk } from '../jose/check-public-jwk.js';
import type { ParsedMdoc } from './parse-device-response.js';
import {
  deviceAuthenticationBytes,
  openId4VpHandover,
  sessionTranscriptOfHandover,
  type OpenId4VpHandoverInput,
} from './build-device-authentication.js';
import { verifyCoseSignature } from './verify-cose-signature.js';

export type { OpenId4VpHandoverInput };

/** OpenID4VP 1.0 Annex B.2.6.1 (redirect) / B.2.6.2 (DC API, `origin` given): the SessionTranscript bytes. */
export function openId4VpSessionTranscript(h: OpenId4VpHandoverInput): Uint8Array {
  const { name, info } = openId4VpHandover(h);
  return sessionTranscriptOfHandover(name, new Uint8Array(hash('sha256', info, 'buffer')));
}

const b64u = (v: unknown): string => Buffer.from(v as Uint8Array).toString('base64url');

/** ISO 18013-5 §9.1.2.4 deviceKey (a COSE_Key, RFC 9053 §7) as a JWK, through the one public-key gate. */
export function readDeviceKey(deviceKey: unknown, keyCheck: CheckPublicJwkOptions): { jwk: PublicJwk; key: KeyObject } {
  const invalid = () => formatError('mdoc_device_key_invalid', 'the device key is not a P-256 or Ed25519 public key');
  if (!(deviceKey instanceof Map)) throw invalid();
  const [kty, crv, x, y] = [deviceKey.get(1), deviceKey.get(-1), deviceKey.get(-2), deviceKey.get(-3)];
  if (!(x instanceof Uint8Array) || deviceKey.has(-4)) throw invalid(); // -4: a private key has no place here
  let jwk: unknown;
  if (kty === 2 && crv === 1 && y instanceof Uint8Array) jwk = { kty: 'EC', crv: 'P-256', x: b64u(x), y: b64u(y) };
  else if (kty === 1 && crv === 6 && y === undefined) jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(x) };
  else throw invalid();
  try {
    const checked = checkPublicJwk(jwk, keyCheck);
    return { jwk: checked, key: createPublicKey({ key: checked, format: 'jwk' }) };
  } catch {
    throw invalid();
  }
}

/** §9.1.3.6 / §9.3.1 step 7: the DeviceSignature over this SessionTranscript. DeviceMac is refused. */
export function verifyDeviceSignature(p: ParsedMdoc, deviceKey: KeyObject, sessionTranscript: Uint8Array): void {
  if (p.deviceAuth.kind === 'mac') throw formatError('mdoc_device_mac_unsupported', 'only DeviceSignature is accepted');
  const { sign1 } = p.deviceAuth;
  if (sign1.payload !== null) throw formatError('mdoc_malformed', 'the DeviceSignature payload must be detached');
  if (!verifyCoseSignature(sign1, deviceAuthenticationBytes(p.docType, p.deviceNameSpacesBytes, sessionTranscript), deviceKey))
    throw formatError('mdoc_device_signature_invalid', 'the DeviceSignature does not verify over this SessionTranscript');
}
