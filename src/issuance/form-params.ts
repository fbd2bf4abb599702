import { badRequest } from '../errors.js';

/**
 * A form parameter given at most once: RFC 6749 §3.1 / §3.2 say parameters MUST NOT be included
 * more than once, and form parsing turns repeats into arrays. The token, PAR, authorization and
 * callback endpoints all read their parameters through this (400 invalid_request otherwise).
 */
export function singleParam(form: Record<string, unknown>, name: string): string | undefined {
  const v = form[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw badRequest('invalid_request', `${name} must be given exactly once`, undefined, `${name} 매개변수는 한 번만 보내야 합니다.`);
  return v;
}
