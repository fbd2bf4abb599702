/**
 * Checks the claims a caller (an issuing agency's back office) supplies for a credential type,
 * before anything is signed or stored. Every failure is a 400 with a stable code and JSON
 * pointers to the bad fields; values are never echoed (they are personal data).
 *
 *  - `derived_claim_supplied`: `age_over_19` and friends are computed by the service
 *    (derive-claims.ts); a caller that sends one is refused rather than silently overridden.
 *  - `invalid_claims`: the type's claims schema fails (missing, wrong format, extra member...),
 *    or a string claim carries control, format or bidirectional characters the type did not
 *    allow (find-unsafe-text.ts).
 *  - `rrn_not_allowed`: a value looks like a resident registration number (find-rrn.ts).
 *
 * Validators are compiled once per type: by loadCatalog at boot, or on first use when the start skipped
 * the catalogue's proof (checked-stamp.ts).
 */
import { badRequest } from '../errors.js';
import { createAjv, type Ajv, type ValidateFunction } from './create-ajv.js';
import { describeAjvErrors, escapePointerToken } from './describe-ajv-errors.js';
import { ownFieldError } from '../verdict/field-messages.js';
import { findRrnValue } from './find-rrn.js';
import { findUnsafeText } from './find-unsafe-text.js';
import { normalizeClaims } from './normalize-claims.js';
import { isDerivedClaimName, type Claims, type CredentialType } from './types.js';

const validators = new WeakMap<CredentialType, ValidateFunction>();
let fallbackAjv: Ajv | undefined;

/** Compiles (once) and returns the claims validator of a type. Throws ajv's error on a bad schema. */
export function compileClaimsValidator(type: CredentialType, ajv?: Ajv): ValidateFunction {
  const known = validators.get(type);
  if (known) return known;
  const validate = (ajv ?? (fallbackAjv ??= createAjv())).compile(type.claimsSchema);
  validators.set(type, validate);
  return validate;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Claims this function returned, with the type they were validated for. They are frozen, so
 * they stay what was validated, and handed back as they are when asked again: the credential
 * endpoint checks an offer's claims before its point of no return, then issues one credential
 * per key proof from the same claims.
 */
const validated = new WeakMap<object, CredentialType>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The type's description of the claim a pointer into `claims` names (`/violations/0/violation` →
 * `violations[].violation`, as claim_descriptions keys it), if it has one.
 */
function hintAt(type: CredentialType, claims: unknown, pointer: string): { en: string; ko: string } | undefined {
  let path = '';
  let at = claims;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) {
      path += '[]';
      at = at[Number(token)];
    } else if (isPlainObject(at) && Object.hasOwn(at, token)) {
      path += path === '' ? token : `.${token}`;
      at = at[token];
    } else return undefined;
  }
  return Object.hasOwn(type.claimDescriptions, path) ? type.claimDescriptions[path] : undefined;
}

/**
 * Validates `claims` for `type` and returns them as issued: a fresh, frozen copy with every
 * string in NFC (or `claims` itself, when this function returned it for `type`). Throws AppError 400 `derived_claim_supplied`, `invalid_claims` or `rrn_not_allowed`.
 */
export function validateClaims(type: CredentialType, claims: unknown): Claims {
  if (isPlainObject(claims) && validated.get(claims) === type) return claims as Claims;
  // Pointers of invalid_claims are into the claims; '' is the claims object itself.
  if (claims === undefined)
    throw badRequest('invalid_claims', `claims is required: send the ${type.id} claims as a JSON object`, {
      errors: [ownFieldError('', 'required')],
    });
  if (isPlainObject(claims)) {
    const derived = Object.keys(claims).filter(isDerivedClaimName);
    if (derived.length > 0) {
      throw badRequest(
        'derived_claim_supplied',
        `${derived.join(', ')} is computed by the service from birth_date and must not be supplied`,
        {
          errors: derived.map((name) => ownFieldError(`/${escapePointerToken(name)}`, 'derivedClaim')),
        },
      );
    }
  }
  const normalized = normalizeClaims(claims);
  const validate = compileClaimsValidator(type);
  const schemaErrors = validate(normalized) ? [] : describeAjvErrors(validate.errors, 20, (pointer) => hintAt(type, normalized, pointer));
  // One answer for every bad field; a field the schema already refused is named once.
  const seen = new Set(schemaErrors.map((e) => e.pointer));
  const errors = [...schemaErrors, ...findUnsafeText(normalized, type.claimsSchema).filter((e) => !seen.has(e.pointer))].slice(0, 20);
  if (errors.length > 0) throw badRequest('invalid_claims', `claims do not match credential type ${type.id}`, { errors });
  const valid = normalized as Claims;
  const rrnAt = findRrnValue(valid, type.claimsSchema);
  if (rrnAt !== undefined) {
    throw badRequest('rrn_not_allowed', 'a resident registration number is never put in a credential; use birth_date', {
      errors: [ownFieldError(rrnAt, 'looksLikeRrn')],
    });
  }
  validated.set(deepFreeze(valid), type);
  return valid;
}
