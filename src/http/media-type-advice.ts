/**
 * What a route says to a body in a media type it does not take (Fastify's
 * FST_ERR_CTP_INVALID_MEDIA_TYPE: text/plain, no Content-Type, a malformed one): the media types
 * that route takes, read from its own schema, never one sentence for every route. A route names
 * its media types in `schema.consumes` (the OAuth token and PAR forms, OpenID4VP direct_post and
 * request_uri POST, the credential endpoints' JSON or JWE; the OpenAPI document shows the same
 * list); a route with a body schema and no `consumes` takes JSON; a route with no body schema
 * reads no body (the OpenID4VCI nonce endpoint, §7.1: "an empty HTTP POST request").
 */
import type { FastifySchema } from 'fastify';

const either = (types: readonly string[], or: string): string =>
  types.length <= 1 ? (types[0] ?? '') : `${types.slice(0, -1).join(', ')} ${or} ${types.at(-1)}`;

/** The detail of a 415 (or, where the endpoint has a code of its own, 400) for an unreadable media type, in both languages. */
export function mediaTypeAdvice(schema: FastifySchema | undefined): { en: string; ko: string } {
  const consumes = (schema as { consumes?: unknown } | undefined)?.consumes;
  if (Array.isArray(consumes) && consumes.length > 0 && consumes.every((t) => typeof t === 'string'))
    return {
      en: `send the body as ${either(consumes as string[], 'or')}`,
      ko: `요청 본문은 ${either(consumes as string[], '또는')} 형식으로 보내십시오.`,
    };
  if (schema?.body === undefined)
    return {
      en: 'this endpoint takes no body: send the request without one, and without a Content-Type',
      ko: '이 주소는 요청 본문을 받지 않습니다. 본문과 Content-Type 헤더 없이 보내십시오.',
    };
  return { en: 'send the body as application/json', ko: '요청 본문은 application/json 형식으로 보내십시오.' };
}
