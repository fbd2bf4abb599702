/**
 * DPoP refusals (RFC 9449). At the token endpoint they are OAuth token errors (§5, 400); at
 * the protected resources (the credential, deferred credential and notification endpoints) they are 401 with a `WWW-Authenticate: DPoP`
 * challenge naming the error and the algorithms accepted (§7.1). `use_dpop_nonce` always carries
 * a fresh `DPoP-Nonce` (§8, §9).
 */
import { AppError } from '../../errors.js';
import { SUPPORTED_ALGS as DPOP_SIGNING_ALGS } from '../../formats/jose/verify-compact-jws.js';

export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';
/** Where the proof was presented: the token endpoint (authorization server) or a protected resource (credential, deferred credential, notification endpoint). */
export type DpopPlace = 'token' | 'resource';

/** A rule a proof broke, before we know where it was presented. */
export class DpopRefusal extends Error {
  constructor(
    readonly code: DpopErrorCode,
    message: string,
    /** The same reason in Korean (AppError `ko`). */
    readonly ko: string,
  ) {
    super(message);
    this.name = 'DpopRefusal';
  }
}

/** The challenge of RFC 9449 §7.1 (auth-params per RFC 9110 §11.2; the description is plain ASCII). */
export const dpopChallenge = (error?: string, description?: string): string =>
  [
    'DPoP',
    [
      ...(error ? [`error="${error}"`] : []),
      ...(description ? [`error_description="${description.replace(/["\\]/g, '')}"`] : []),
      `algs="${DPOP_SIGNING_ALGS.join(' ')}"`,
    ].join(', '),
  ].join(' ');

/** `ko`: the refusal's own Korean sentence, the same reason as `message` (the challenge keeps the ASCII English). */
export function dpopError(code: DpopErrorCode, message: string, ko: string, place: DpopPlace, nonce?: string): AppError {
  const headers: Record<string, string> = {};
  if (nonce !== undefined) headers['dpop-nonce'] = nonce;
  if (place === 'resource') headers['www-authenticate'] = dpopChallenge(code, message);
  return new AppError(code, message, { status: place === 'resource' ? 401 : 400, headers, ko });
}
