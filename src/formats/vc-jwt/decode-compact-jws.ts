/**
 * Splits a JWS Compact Serialization into its decoded header and payload without verifying the
 * signature (RFC 7515 §7.1); verification happens elsewhere with the issuer's key. Used by
 * `parse-vc-jwt.ts`; every failure is `vc_jwt_malformed`.
 */
import { statusFormatError } from '../status-list/error-codes.js';

export interface DecodedCompactJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `BASE64URL(header) "." BASE64URL(payload)`, what the signature covers. */
  signingInput: string;
  signature: Uint8Array;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const decodeSegment = (segment: string, what: string): Buffer => {
  // RFC 7515 §2: base64url without padding; refuse non-canonical encodings too.
  const bytes = BASE64URL.test(segment) ? Buffer.from(segment, 'base64url') : undefined;
  if (bytes === undefined || bytes.toString('base64url') !== segment) {
    throw statusFormatError('vc_jwt_malformed', `the JWS ${what} is not base64url`);
  }
  return bytes;
};

const decodeJsonObject = (segment: string, what: string): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment, what).toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw statusFormatError('vc_jwt_malformed', `the JWS ${what} is not JSON`);
    throw e;
  }
  // RFC 7515 §4 / RFC 7519 §7.2 step 10: header and claims set are JSON objects.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw statusFormatError('vc_jwt_malformed', `the JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
};

export const decodeCompactJws = (token: unknown): DecodedCompactJws => {
  if (typeof token !== 'string') throw statusFormatError('vc_jwt_malformed', 'the token is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw statusFormatError('vc_jwt_malformed', 'a compact JWS has exactly three parts');
  const [h, p, s] = parts as [string, string, string];
  return {
    header: decodeJsonObject(h, 'header'),
    payload: decodeJsonObject(p, 'payload'),
    signingInput: `${h}.${p}`,
    signature: new Uint8Array(decodeSegment(s, 'signature')),
  };
};
