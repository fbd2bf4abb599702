/**
 * JWT validity window (RFC 7519 §4.1.4–4.1.6, RFC 8725bis §3.10): `exp`, `nbf` and `iat` are
 * finite NumericDates when present; the token must not be expired, not be used before `nbf`,
 * and not claim to be issued in the future beyond the allowed clock skew.
 */
import type { Clock } from '../clock.js';
import { formatError } from '../error-codes.js';
import { hasOwn, type JsonObject } from './types.js';

export interface TimeClaimOptions {
  clock: Clock;
  /** Tolerated clock difference between us and the token's issuer, in seconds. */
  skewSeconds: number;
  requireExp?: boolean;
  /** When set, `iat` is required and may be at most this old. */
  maxIatAgeSeconds?: number;
}

/** Reads an optional NumericDate claim; present but not a finite number is an error. */
export function readNumericDate(payload: JsonObject, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  if (!hasOwn(payload, name)) return undefined;
  const v = payload[name];
  // RFC 7519 §2 NumericDate: a JSON number (finite by JSON grammar, but be explicit).
  if (typeof v !== 'number' || !Number.isFinite(v)) throw formatError('jwt_time_claim_invalid', `${name} is not a number`);
  return v;
}

export function checkTimeClaims(payload: JsonObject, options: TimeClaimOptions): void {
  const now = options.clock.now() / 1000;
  const skew = options.skewSeconds;
  const exp = readNumericDate(payload, 'exp');
  const nbf = readNumericDate(payload, 'nbf');
  const iat = readNumericDate(payload, 'iat');

  if (exp === undefined && options.requireExp) throw formatError('jwt_exp_missing', 'exp is required');
  // RFC 7519 §4.1.4: the current time must be before exp.
  if (exp !== undefined && now - skew >= exp) throw formatError('jwt_expired', 'token has expired');
  // RFC 7519 §4.1.5: the current time must be at or after nbf.
  if (nbf !== undefined && now + skew < nbf) throw formatError('jwt_not_yet_valid', 'token is not yet valid');
  // RFC 8725bis §3.10: a token issued in the future is not trusted.
  if (iat !== undefined && iat > now + skew) throw formatError('jwt_iat_in_future', 'iat is in the future');
  if (options.maxIatAgeSeconds !== undefined) {
    if (iat === undefined) throw formatError('jwt_iat_missing', 'iat is required');
    if (now - skew > iat + options.maxIatAgeSeconds) throw formatError('jwt_iat_too_old', 'iat is too old');
  }
}
