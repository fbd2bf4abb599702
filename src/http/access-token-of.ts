/**
 * The access token of a request to a protected OpenID4VCI resource (the credential, deferred
 * credential and notification endpoints): RFC 6750 §2.1 `Authorization: Bearer <token>` or
 * RFC 9449 §7.1 `Authorization: DPoP <token>` (schemes are case-insensitive, RFC 9110 §11.1);
 * never in the URL (RFC 6750 §2.3 / RFC 9700 §2.4.2: refused, not ignored). Which scheme a token
 * must use is sender-checks.ts's question.
 */
import type { FastifyRequest } from 'fastify';
import { bearerError } from '../issuance/vci-errors.js';
import { authorizationParts } from '../formats/authorization-header.js';

export interface PresentedAccessToken {
  scheme: 'bearer' | 'dpop';
  token: string;
}

export function accessTokenOf(request: FastifyRequest): PresentedAccessToken {
  if (request.url.includes('?') && new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)).has('access_token'))
    throw bearerError(
      'invalid_request',
      'send the access token in the Authorization header, never in the URL',
      '접근 토큰은 주소(URL)에 넣지 말고 인증 헤더(Authorization)로 보내십시오.',
    );
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header === '')
    throw bearerError(
      'invalid_token',
      'send the access token as Authorization: Bearer or DPoP',
      '접근 토큰이 없습니다. 인증 헤더(Authorization)에 Bearer 또는 DPoP 방식으로 보내십시오.',
    );
  const parts = authorizationParts(header);
  // RFC 6750 §2.1: the token is a b68token.
  if (!parts || (parts.scheme !== 'bearer' && parts.scheme !== 'dpop') || !/^[A-Za-z0-9\-._~+/]+=*$/.test(parts.credentials))
    throw bearerError(
      'invalid_request',
      'the Authorization header is not a Bearer or DPoP token',
      '인증 헤더(Authorization)가 Bearer 또는 DPoP 방식의 토큰이 아닙니다.',
    );
  return { scheme: parts.scheme === 'dpop' ? 'dpop' : 'bearer', token: parts.credentials };
}
