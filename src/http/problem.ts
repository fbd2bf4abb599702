import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { errorEntry, type ErrorCode } from '../errors.js';
import { OAUTH_ERROR_EXTENSIONS } from '../issuance/vci-errors.js';
import { fieldErrorInLanguage } from '../verdict/field-messages.js';
import { hasUnsafeCharacters, UNSAFE_TEXT_CLASS } from '../verdict/unsafe-text.js';

/** RFC 9457 problem details, plus our stable `code` and optional members such as `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  /**
   * Our own code where the answer names another (an OAuth endpoint's registered code for a body
   * too large, say): the Korean sentence says what it says. Never sent.
   */
  ownCode?: ErrorCode;
  /** This refusal's own Korean sentence (AppError `ko`), said in place of the code's. Never sent as a member. */
  ko?: string;
  [member: string]: unknown;
}

export const problemType = (code: ErrorCode) => `urn:dproof:problem:${code}`;

/** RFC 9457 §3.1.4 `title` of each status, in English and for a reader of Korean. */
export const TITLES: Record<number, { en: string; ko: string }> = {
  400: { en: 'Bad Request', ko: '잘못된 요청' },
  401: { en: 'Unauthorized', ko: '인증 필요' },
  403: { en: 'Forbidden', ko: '권한 없음' },
  404: { en: 'Not Found', ko: '찾을 수 없음' },
  405: { en: 'Method Not Allowed', ko: '허용되지 않는 메서드' },
  406: { en: 'Not Acceptable', ko: '제공할 수 없는 형식' },
  408: { en: 'Request Timeout', ko: '요청 시간 초과' },
  409: { en: 'Conflict', ko: '충돌' },
  410: { en: 'Gone', ko: '더 이상 없음' },
  413: { en: 'Content Too Large', ko: '요청 본문이 너무 큼' },
  414: { en: 'URI Too Long', ko: '주소가 너무 긺' },
  415: { en: 'Unsupported Media Type', ko: '지원하지 않는 형식' },
  417: { en: 'Expectation Failed', ko: '처리할 수 없는 요청 조건' },
  422: { en: 'Unprocessable Content', ko: '처리할 수 없는 내용' },
  429: { en: 'Too Many Requests', ko: '요청이 너무 많음' },
  431: { en: 'Request Header Fields Too Large', ko: '요청 헤더가 너무 큼' },
  500: { en: 'Internal Server Error', ko: '서버 오류' },
  503: { en: 'Service Unavailable', ko: '일시적으로 사용할 수 없음' },
};

const LANGUAGES = ['en', 'ko'];

const UNSAFE = new RegExp(`[${UNSAFE_TEXT_CLASS}]`, 'gu');

/**
 * An English detail quotes what the caller sent (an id, a kid, a DCQL type): a control, format or
 * bidirectional character in it (`\u202e` reorders what a person reads in a log viewer or a page
 * that shows the answer) is written as its escape, so the sentence shows what was sent and nothing
 * else. The Korean sentences quote nothing.
 */
const visible = (detail: string): string =>
  hasUnsafeCharacters(detail)
    ? detail.replace(UNSAFE, (c) => {
        const cp = c.codePointAt(0)!;
        return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
      })
    : detail;

/**
 * Korean when the request's Accept-Language prefers it to English (RFC 9110 §12.5.4, with
 * negotiator's reading of q-values and ranges); English otherwise and by default.
 */
export function prefersKorean(header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header === '') return false;
  return new Negotiator({ headers: { 'accept-language': header } }).language(LANGUAGES) === 'ko';
}

/**
 * The answer in the reader's language: for a reader of Korean, the catalogue's Korean sentence
 * for the code (the same words the pages use: src/verdict/glossary.ts) replaces the English
 * detail, which names specifics a person reading Korean is not asked to parse; `errors[]` keep
 * their pointers and say each field's fault in Korean (src/verdict/field-messages.ts). English
 * stays the default, word for word as before.
 */
export function wordsFor(p: Problem, acceptLanguage: string | string[] | undefined): { title: string; detail: string; korean: boolean } {
  const ko = prefersKorean(acceptLanguage) ? (p.ko ?? errorEntry(p.ownCode ?? p.code).ko) : undefined;
  if (ko === undefined) return { title: p.title, detail: visible(p.detail), korean: false };
  return { title: TITLES[p.status]?.ko ?? p.title, detail: ko, korean: true };
}

/** wordsFor, with the headers that say so: `Vary: Accept-Language` always, `Content-Language: ko` when Korean. */
function inLanguage(request: FastifyRequest, reply: FastifyReply, p: Problem): { title: string; detail: string; korean: boolean } {
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${String(vary)}, Accept-Language` : 'Accept-Language');
  const words = wordsFor(p, request.headers['accept-language']);
  if (words.korean) reply.header('content-language', 'ko');
  return words;
}

export function problem(status: number, code: ErrorCode, detail: string, extra?: Record<string, unknown>): Problem {
  return { type: problemType(code), title: TITLES[status]?.en ?? 'Error', status, detail, code, ...extra };
}

/**
 * The OAuth error body (RFC 6749 §5.2): `error`, the sentence in the reader's language, and our
 * extension members. A 503 (store down, no key) carries OAuth's own code for it (RFC 6749
 * §4.1.2.1 `temporarily_unavailable`), which wallets know, instead of our problem code.
 */
export function oauthBody(p: Problem, description: string): Record<string, unknown> {
  const error: ErrorCode = p.status === 503 ? 'temporarily_unavailable' : p.code;
  const extensions = Object.fromEntries(OAUTH_ERROR_EXTENSIONS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
  return { error, error_description: description, ...extensions };
}

/**
 * The problem document (RFC 9457) in the reader's words: our own members (`ownCode`, `ko`) left
 * out, each field error's sentence in the answer's language.
 */
export function problemBody(
  p: Problem,
  words: { title: string; detail: string; korean: boolean },
  instance?: string,
): Record<string, unknown> {
  const { ownCode: _own, ko: _ko, ...sent } = p;
  return {
    ...sent,
    title: words.title,
    detail: words.detail,
    ...(instance !== undefined && { instance }),
    // The Korean sentence of a field error is never a member of its own.
    ...(Array.isArray(p.errors) && { errors: p.errors.map((e) => fieldErrorInLanguage(e, words.korean)) }),
  };
}

/** OpenID4VCI / OpenID4VP / OAuth endpoints answer `{ error, error_description }` (RFC 6749 §5.2). */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  p: Problem,
  config: { errorShape?: string } | undefined = request.routeOptions.config,
): FastifyReply {
  const shape = config?.errorShape;
  const words = inLanguage(request, reply, p);
  if (shape === 'oauth')
    return reply.code(p.status).header('cache-control', 'no-store').type('application/json').send(oauthBody(p, words.detail));
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send(problemBody(p, words, request.url.split('?')[0] ?? '/'));
}
