/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) carrying a JWT Claims Set, before any crypto.
 *
 * Only what we verify gets through: exactly three non-empty base64url segments (a JWE has five,
 * the JSON serialisation starts with `{`), a JSON object header with a string `alg`, no `crit`
 * (we implement no extension, RFC 7515 §4.1.11), no unencoded payload (`b64: false`,
 * RFC 7797), and a JSON object payload.
 */
import { formatError } from '../error-codes.js';
import { decodeBase64url } from './base64url.js';
import { parseJsonObject } from './parse-json.js';
import { hasOwn, type ParsedJws } from './types.js';

export function parseCompactJws(token: string): ParsedJws {
  if (typeof token !== 'string') throw formatError('jws_malformed', 'token is not a string');
  // RFC 7515 §7.2: the JSON serialisation is a different format; we accept only compact.
  if (token.trimStart().startsWith('{')) throw formatError('jws_malformed', 'JWS JSON serialisation is not accepted');
  const segments = token.split('.');
  // RFC 7516 §9: five segments is a JWE; RFC 7515 §7.1: a JWS has exactly three.
  if (segments.length !== 3) throw formatError('jws_malformed', `expected 3 segments, got ${segments.length}`);
  const [h, p, s] = segments as [string, string, string];
  const header = parseJsonObject(decodeBase64url(h, 'jws_malformed'), 'jws_malformed');
  const payloadBytes = decodeBase64url(p, 'jws_malformed');
  const signature = decodeBase64url(s, 'jws_malformed');

  // RFC 7515 §4.1.1: alg is required and a string.
  if (typeof header.alg !== 'string') throw formatError('jws_malformed', 'header alg missing or not a string');
  // RFC 7515 §4.1.4: kid, when present, is a string (an opaque lookup key for us).
  if (hasOwn(header, 'kid') && typeof header.kid !== 'string') throw formatError('jws_malformed', 'header kid is not a string');
  // RFC 7515 §4.1.11: a recipient must reject a crit it does not understand; we understand none.
  if (hasOwn(header, 'crit')) throw formatError('jws_crit_unsupported', 'crit header parameter not supported');
  // RFC 7797 §3: b64=false changes the signing input; we never accept an unencoded payload.
  if (hasOwn(header, 'b64') && header.b64 !== true) throw formatError('jws_b64_unsupported', 'unencoded payload not supported');

  const payload = parseJsonObject(payloadBytes, 'jws_malformed');
  const signingInput = Buffer.from(`${h}.${p}`, 'ascii');
  return { header, payload, signingInput, signature, compact: token };
}
