/**
 * What a route's config makes of a refusal's code, for answers written through Fastify
 * (error-handler.ts) and by hand (raw-refusals.ts) alike: on the OpenID4VCI endpoints a generic
 * 400 / 415 (schema, JSON, media type) becomes the endpoint's own OAuth code
 * (`oauthDefaultError`); on any OAuth endpoint a refusal of the request as such (a body too large,
 * a media type, malformed JSON or form, a NUL, a bad Content-Length, a malformed or over-long path
 * parameter, an Expect it cannot meet, a body too slow, headers too large: the front door's codes) names a registered OAuth code
 * (RFC 6749 §5.2: `error` is one of the registry's), not our `body_too_large` or
 * `expectation_failed`; the status stays and the detail says which. An endpoint's protocol codes
 * (OpenID4VP's, say) are its own and pass as they are. The body shape itself is the writer's.
 */
import type { FastifyContextConfig } from 'fastify';
import { errorEntry } from '../errors.js';
import { VCI_ERROR_CODES } from '../issuance/vci-errors.js';
import type { Problem } from './problem.js';

const AS_SUCH = new Set([408, 413, 414, 415, 417, 431]);

export function inRouteShape(p: Problem, config: FastifyContextConfig | undefined): Problem {
  if (config?.errorShape !== 'oauth' || VCI_ERROR_CODES.has(p.code)) return p;
  if (config.oauthDefaultError && (p.status === 400 || p.status === 415))
    return { ...p, status: 400, code: config.oauthDefaultError, ownCode: p.code };
  if (AS_SUCH.has(p.status) || (p.status === 400 && errorEntry(p.code).area === 'http'))
    return { ...p, code: config.oauthDefaultError ?? 'invalid_request', ownCode: p.code };
  return p;
}
