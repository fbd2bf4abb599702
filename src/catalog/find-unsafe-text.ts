/**
 * Free-text claims are shown to people (the holder's wallet, a clerk's counter screen), so by
 * default no string claim may carry control, format or bidirectional characters
 * (src/verdict/unsafe-text.ts). A type whose data needs them opts in on the claim's schema, or on an
 * object or array schema for every string below it, with `"x-allow-control-characters": true`
 * (declared in create-ajv.ts and schemas/credential-type.schema.json).
 */
import type { ClaimSchema, ClaimValue } from './types.js';
import { pointerOf, type PointerPath } from './describe-ajv-errors.js';
import { ownFieldError, type FieldError } from '../verdict/field-messages.js';
import { hasUnsafeCharacters } from '../verdict/unsafe-text.js';

const allows = (schema: ClaimSchema | undefined): boolean => schema?.['x-allow-control-characters'] === true;

/**
 * Field errors for every string value (up to `limit`) that carries an unsafe character; binary
 * members (`contentEncoding`) are skipped. Walks any JSON value, whether or not it passed the
 * schema, so its errors can be reported together with the schema's.
 */
export function findUnsafeText(value: ClaimValue, schema: ClaimSchema | undefined, limit = 20): FieldError[] {
  const out: FieldError[] = [];
  const walk = (v: ClaimValue, s: ClaimSchema | undefined, path: PointerPath | undefined): void => {
    if (out.length >= limit || allows(s)) return;
    if (typeof v === 'string') {
      if (s?.contentEncoding === undefined && hasUnsafeCharacters(v)) {
        out.push(ownFieldError(pointerOf(path), 'unsafeText'));
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item as ClaimValue, s?.items, { parent: path, token: i }));
    } else if (v !== null && typeof v === 'object') {
      for (const [name, item] of Object.entries(v)) walk(item as ClaimValue, s?.properties?.[name], { parent: path, token: name });
    }
  };
  walk(value, schema, undefined);
  return out;
}
