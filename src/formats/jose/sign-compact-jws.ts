/**
 * Signs a JWT Claims Set as a compact JWS (RFC 7515 §7.1) through the injected Signer, so a key
 * file, an HSM or a cloud KMS can sign without this code knowing which.
 */
import type { Signer } from './signer.js';
import { formatError } from '../error-codes.js';
import { encodeBase64url, encodeBase64urlText } from './base64url.js';
import type { JsonObject } from './types.js';

/** `alg` and `kid` always come from the signer; a caller's header cannot override them. */
export async function signCompactJws(header: JsonObject, payload: JsonObject, signer: Signer): Promise<string> {
  const fullHeader: JsonObject = { ...header, alg: signer.alg, kid: signer.kid };
  const signingInput = `${encodeBase64urlText(JSON.stringify(fullHeader))}.${encodeBase64urlText(JSON.stringify(payload))}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  // RFC 7518 §3.4 / RFC 8037 §3.1: both ES256 (r||s) and Ed25519 signatures are 64 bytes.
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw formatError('jws_signer_output_invalid', 'signer did not return a 64-byte JWS signature');
  }
  return `${signingInput}.${encodeBase64url(signature)}`;
}
