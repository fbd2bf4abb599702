/**
 * Verifies an SD-JWT VC presentation (draft-ietf-oauth-sd-jwt-vc §2.4, RFC 9901 §7.1 and §7.3)
 * as a visible sequence of small checks; each is exported for the verification pipeline.
 */
import type { Clock } from '../clock.js';
import type { SigningAlg } from '../jose/signer.js';
import { formatError } from '../error-codes.js';
import { checkTimeClaims } from '../jose/check-time-claims.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import type { JsonObject, KeyLookup, ResolvedKey } from '../jose/types.js';
import { verifyCompactJws } from '../jose/verify-compact-jws.js';
import { parseSdJwt, type ParsedSdJwt } from '../sd-jwt/parse-sd-jwt.js';
import { processDisclosures, type ClaimPath } from '../sd-jwt/process-disclosures.js';
import { verifyKbJwt, type VerifiedKbJwt } from '../sd-jwt/verify-kb-jwt.js';
import { checkIss, checkNeverDisclosed, checkSdJwtVcTyp, checkVct, readCnfJwk } from './check-sd-jwt-vc.js';

/**
 * The resolver learns `kid`, `alg` and the (not yet verified) `iss`, and must return only a key
 * that belongs to that issuer: then a valid signature proves `iss` (RFC 9901 §7.1 step 2.3).
 */
export interface IssuerKeyLookup extends KeyLookup {
  iss: string;
}

export interface KeyBindingPolicy {
  /** RFC 9901 §7.3 step 1: decided by policy, never by whether a KB-JWT was sent. */
  required: boolean;
  nonce: string;
  aud: string;
  maxAgeSeconds: number;
}

export interface VerifySdJwtVcOptions {
  resolveIssuerKey: (lookup: IssuerKeyLookup) => ResolvedKey | undefined | Promise<ResolvedKey | undefined>;
  allowedAlgs?: readonly SigningAlg[];
  clock: Clock;
  skewSeconds: number;
  /** Verifier side. Omitted = holder side, where an SD-JWT+KB is rejected (RFC 9901 §7.2). */
  kb?: KeyBindingPolicy;
}

export interface VerifiedSdJwtVc {
  header: JsonObject;
  /** The Processed SD-JWT Payload: plain claims plus the disclosed ones. */
  payload: JsonObject;
  disclosedPaths: ClaimPath[];
  kb?: VerifiedKbJwt;
}

/** RFC 9901 §7.2 and §7.3 step 2: is a KB-JWT present exactly when policy allows or needs it? */
export function checkKbPresence(parts: ParsedSdJwt, kb: KeyBindingPolicy | undefined): void {
  if (!kb && parts.kbJwt !== undefined) throw formatError('sd_jwt_unexpected_kb', 'an SD-JWT+KB where an SD-JWT was expected');
  if (kb?.required && parts.kbJwt === undefined) throw formatError('kb_jwt_missing', 'key binding is required');
}

/** RFC 9901 §7.3 step 5 / SD-JWT VC §2.4: the KB-JWT is checked against `cnf` of the credential. */
export async function checkKeyBinding(
  claims: JsonObject,
  parts: ParsedSdJwt,
  kb: KeyBindingPolicy,
  clock: Clock,
  skewSeconds: number,
): Promise<VerifiedKbJwt> {
  if (parts.kbJwt === undefined) throw formatError('kb_jwt_missing', 'no KB-JWT in the presentation');
  const holderJwk = readCnfJwk(claims);
  if (!holderJwk) throw formatError('kb_jwt_no_cnf', 'a KB-JWT was sent but the credential has no cnf');
  return verifyKbJwt(parts.kbJwt, {
    holderJwk,
    sdJwtWithoutKb: parts.sdJwtWithoutKb,
    nonce: kb.nonce,
    aud: kb.aud,
    clock,
    maxAgeSeconds: kb.maxAgeSeconds,
    skewSeconds,
  });
}

export async function verifySdJwtVc(text: string, o: VerifySdJwtVcOptions): Promise<VerifiedSdJwtVc> {
  const parts = parseSdJwt(text); // RFC 9901 §7.1 step 1
  checkKbPresence(parts, o.kb);
  const jws = parseCompactJws(parts.jwt);
  checkSdJwtVcTyp(jws.header);
  const iss = checkIss(jws.payload);
  checkVct(jws.payload);
  // RFC 9901 §7.1 step 2.1–2.3: allowed alg, signature, key belongs to the issuer.
  await verifyCompactJws(jws, {
    resolveKey: (lookup) => o.resolveIssuerKey({ ...lookup, iss }),
    ...(o.allowedAlgs ? { allowedAlgs: o.allowedAlgs } : {}),
  });
  const { claims, disclosedPaths } = processDisclosures(jws.payload, parts.disclosures); // §7.1 steps 2.5–5
  checkNeverDisclosed(disclosedPaths);
  // RFC 9901 §7.1 step 6: validity claims are read from the processed payload.
  checkTimeClaims(claims, { clock: o.clock, skewSeconds: o.skewSeconds });
  const result: VerifiedSdJwtVc = { header: jws.header, payload: claims, disclosedPaths };
  if (parts.kbJwt !== undefined && o.kb) result.kb = await checkKeyBinding(claims, parts, o.kb, o.clock, o.skewSeconds);
  return result;
}
