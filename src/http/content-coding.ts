/**
 * Request bodies are read as sent: no route decompresses them. A body with a Content-Encoding
 * (gzip, br, deflate, …) was answered as if its compressed bytes were the JSON or form itself
 * (400 malformed_json at best), and the size limits would have bounded only the compressed
 * bytes had a decoder been added. RFC 9110 §8.4.1 / §15.5.16: refuse with 415 and say in
 * Accept-Encoding what is taken (identity only). Checked on the headers, before the body is read.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../errors.js';

/** The refusal for a request whose body has a content coding other than identity, or undefined. */
export function refuseContentCoding(headers: IncomingHttpHeaders): AppError | undefined {
  const coding = headers['content-encoding'];
  if (coding === undefined || !hasBody(headers)) return undefined;
  // A list of codings ("gzip, identity") is applied in order: any coding but identity is one we cannot read.
  if (coding.split(',').every((c) => /^\s*(identity)?\s*$/i.test(c))) return undefined;
  return new AppError('unsupported_content_encoding', 'send the body uncompressed: this service reads no Content-Encoding but identity', {
    status: 415,
    headers: { 'accept-encoding': 'identity' },
  });
}

/** RFC 9112 §6.3: a request has a body when it declares a length above 0 or a transfer coding. */
export const hasBody = (headers: IncomingHttpHeaders): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
