/**
 * Problem+json answers written by hand, where Node answers before Fastify has a request or a
 * reply (client-error.ts: the HTTP parser's refusals; raw-refusals.ts: CONNECT and an Expect
 * this service cannot meet). The same language rule as every other refusal (problem.ts: Korean
 * when Accept-Language prefers it, the catalogue's sentence and the status's Korean title, with
 * `Content-Language: ko`); the connection is closed after the answer.
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '../errors.js';
import { problem, wordsFor } from './problem.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawProblem(
  status: number,
  code: ErrorCode,
  detail: string,
  opts: { acceptLanguage?: string | undefined; instance?: string; headers?: Record<string, string> } = {},
): RawAnswer {
  const p = problem(status, code, detail);
  const { title, detail: words, korean } = wordsFor(p, opts.acceptLanguage);
  const body = JSON.stringify({ ...p, title, detail: words, ...(opts.instance !== undefined && { instance: opts.instance }) });
  return {
    status,
    body,
    headers: {
      ...opts.headers,
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      vary: 'Accept-Language',
      ...(korean && { 'content-language': 'ko' }),
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
