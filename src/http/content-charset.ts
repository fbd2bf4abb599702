/**
 * Every body this service reads is UTF-8 text (JSON, RFC 8259 §8.1; forms, WHATWG URL §5.1). A
 * body that declares another charset (`application/json; charset=euc-kr`) was read as UTF-8
 * anyway; where its bytes happen to be valid UTF-8 ("홍" in EUC-KR is the bytes of "ȫ"), it was
 * stored garbled without a word. Refused with 415 on the headers, before the body is read. A
 * charset of utf-8 (any case, quoted or not) or none is taken.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../errors.js';
import { hasBody } from './content-coding.js';

const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** The refusal for a request whose Content-Type names a charset other than UTF-8, or undefined. */
export function refuseCharset(headers: IncomingHttpHeaders): AppError | undefined {
  const type = headers['content-type'];
  // A request without a body has no text to misread, whatever its Content-Type says.
  if (type === undefined || !type.includes('=') || !hasBody(headers)) return undefined;
  const m = CHARSET.exec(type);
  if (!m) return undefined;
  const charset = (m[1] ?? m[2] ?? '').toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return undefined;
  return new AppError('unsupported_media_type', 'send the body as UTF-8: this service reads no other charset (charset=utf-8 or none)', {
    status: 415,
  });
}
