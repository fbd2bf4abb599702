/**
 * The form parser (application/x-www-form-urlencoded: OAuth token requests, OpenID4VP
 * direct_post), bounded in fields before it parses: a 100,000-field form builds an object that
 * takes V8 seconds, like a 100,000-member JSON object (see json-bounds.ts). The real forms have
 * at most five fields. Parsing is Node's own querystring (flat keys; a repeated key gives an array).
 */
import { parse } from 'node:querystring';
import { badRequest } from '../errors.js';

export const MAX_FORM_FIELDS = 100;

export function parseBoundedForm(text: string): Record<string, unknown> {
  let fields = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    if (++fields > MAX_FORM_FIELDS) throw badRequest('form_too_wide', `the form has more than ${MAX_FORM_FIELDS} fields`);
  }
  return parse(text, '&', '=', { maxKeys: MAX_FORM_FIELDS });
}

/**
 * Whether the request's Content-Type is the form media type (parameters such as charset allowed,
 * `application/x-www-form-urlencoded-foo` not): the one rule of every form-only route.
 */
export const isFormRequest = (contentType: string | undefined): boolean =>
  /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType ?? '');
