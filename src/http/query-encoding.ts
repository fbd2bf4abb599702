/**
 * RFC 3986 §2.1: a percent-encoded octet is "%" followed by two hexadecimal digits, and §2.5:
 * text is encoded as UTF-8 octets. The router refuses a path that breaks this with 400 bad_url
 * (FST_ERR_BAD_URL), but the query parser takes `%zz` as itself and `%ff` as U+FFFD, so
 * `?type=%ff` was answered 200 with nothing found instead of being refused. A query is refused
 * the same way as a path, on every route.
 */
import { AppError } from '../errors.js';

/** The refusal for a request target whose query has a malformed `%` or percent-encodes bytes that are not UTF-8, or undefined. */
export function refuseBadQueryEncoding(url: string): AppError | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  const percent = url.indexOf('%', query + 1);
  if (percent === -1) return undefined;
  try {
    // Throws a URIError on `%` without two hex digits and on octets that are not UTF-8 (overlong
    // forms and surrogates included). Nothing before the first `%` can fail.
    decodeURIComponent(url.slice(percent));
    return undefined;
  } catch {
    return new AppError(
      'bad_url',
      'the query string is malformed (bad percent-encoding): write % as %25, and percent-encode text as UTF-8 (%XX, two hex digits per byte)',
      { status: 400 },
    );
  }
}
