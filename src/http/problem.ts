import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors.js';
import { OAUTH_ERROR_EXTENSIONS } from '../issuance/vci-errors.js';

/** RFC 9457 problem details, plus our stable `code` and optional members such as `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  [member: string]: unknown;
}

export const problemType = (code: ErrorCode) => `urn:dproof:problem:${code}`;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: ErrorCode, detail: string, extra?: Record<string, unknown>): Problem {
  return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

/** OpenID4VCI / OpenID4VP / OAuth endpoints answer `{ error, error_description }` (RFC 6749 §5.2). */
export function sendError(request: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  const shape = (request.routeOptions.config as { errorShape?: string } | undefined)?.errorShape;
  if (shape === 'oauth') {
    // A 503 (store down, no key) carries OAuth's own code for it (RFC 6749 §4.1.2.1
    // `temporarily_unavailable`), which wallets know, instead of our problem code.
    const error: ErrorCode = p.status === 503 ? 'temporarily_unavailable' : p.code;
    const extensions = Object.fromEntries(OAUTH_ERROR_EXTENSIONS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
    return reply
      .code(p.status)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send({ error, error_description: p.detail, ...extensions });
  }
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({ ...p, instance: request.url.split('?')[0] });
}
