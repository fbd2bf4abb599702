/**
 * Problem+json answers written by hand, where Node answers before Fastify has a request or a
 * reply (client-error.ts: the HTTP parser's refusals; raw-refusals.ts: CONNECT and an Expect
 * this service cannot meet). The same language rule as every other refusal (problem.ts: Korean
 * when Accept-Language prefers it, the catalogue's sentence and the status's Korean title, with
 * `Content-Language: ko`); the connection is closed after the answer.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyContextConfig } from 'fastify';
import type { ErrorCode } from '../errors.js';
import { oauthBody, problem, problemBody, wordsFor } from './problem.js';
import { inRouteShape } from './route-shape.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawProblem(
  status: number,
  code: ErrorCode,
  detail: string,
  opts: {
    acceptLanguage?: string | undefined;
    instance?: string;
    headers?: Record<string, string>;
    /** The config of the route the request names: an OAuth endpoint answers in its own shape (route-shape.ts). */
    route?: FastifyContextConfig | undefined;
  } = {},
): RawAnswer {
  const p = inRouteShape(problem(status, code, detail), opts.route);
  const words = wordsFor(p, opts.acceptLanguage);
  // The shapes sendError writes (RFC 6749 §5.2, RFC 9457).
  const oauth = opts.route?.errorShape === 'oauth';
  const body = JSON.stringify(oauth ? oauthBody(p, words.detail) : problemBody(p, words, opts.instance));
  return {
    status,
    body,
    headers: {
      ...opts.headers,
      'content-type': oauth ? 'application/json; charset=utf-8' : 'application/problem+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      vary: 'Accept-Language',
      ...(words.korean && { 'content-language': 'ko' }),
      connection: 'close',
    },
  };
}

/** The answer as HTTP/1.1 bytes, for a socket no ServerResponse writes to. */
export function http1Bytes(a: RawAnswer): string {
  const head = Object.entries(a.headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return `HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? ''}\r\n${head.join('')}\r\n${a.body}`;
}

/**
 * The Accept-Language header in the bytes the HTTP parser refused (`err.rawPacket`), if they hold
 * one. Only the header block is read; the packet is the chunk the parser failed on, so a header
 * sent in an earlier chunk is not seen (the answer is then in English, the default).
 */
export function acceptLanguageIn(rawPacket: unknown): string | undefined {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const text = rawPacket.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  return /(?:^|\n)accept-language[ \t]*:[ \t]*([^\r\n]*)/i.exec(head)?.[1]?.trim();
}
