/**
 * Minimal JWS Compact Serialization (RFC 7515 §7.1) for the two tokens this folder and
 * `src/status/` sign: `vc+jwt` credentials and `statuslist+jwt` status list tokens.
 *
 * Stopgap: `src/formats/jose/` (another helper) will own general JWS signing and verification;
 * once it lands, callers here can switch to it. Signing only goes through the `Signer` interface,
 * so no private key ever reaches this code.
 */
import type { Signer } from '../jose/signer.js';

/** Protected header members we set; `alg` and `kid` always come from the signer. */
export interface CompactJwsHeader {
  typ: string;
  [member: string]: unknown;
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const b64urlJson = (value: unknown): string => b64url(Buffer.from(JSON.stringify(value), 'utf8'));

/**
 * Returns `BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)` (RFC 7515 §3.1),
 * the signature being the signer's output over the ASCII signing input (RFC 7515 §5.1 step 5).
 */
export const encodeCompactJws = async (
  header: CompactJwsHeader,
  payload: Record<string, unknown>,
  signer: Signer,
): Promise<string> => {
  // RFC 8725 §3.1 / §3.11: `alg` is the signer's, never a caller's choice; `typ` names the token kind.
  const protectedHeader = { ...header, alg: signer.alg, kid: signer.kid };
  const signingInput = `${b64urlJson(protectedHeader)}.${b64urlJson(payload)}`;
  const signature = await signer.sign(new Uint8Array(Buffer.from(signingInput, 'ascii')));
  return `${signingInput}.${b64url(signature)}`;
};
