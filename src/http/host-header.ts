/**
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
 * request message that lacks a Host header field and to any request message that contains more
 * than one Host header field line or a Host header field with an invalid field value." Node keeps
 * the first of two Host lines and says nothing; a proxy in front may have routed on the second.
 * Node's own missing-Host check answers an empty 400 outside our error shape, so it is turned off
 * (`requireHostHeader: false`, app.ts) and done here with the rest. Nothing here trusts the Host
 * for URLs: every URL this service writes comes from PUBLIC_URL.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';

/** uri-host [ ":" port ] (RFC 3986 §3.2.2): an IP-literal, or reg-name / IPv4 characters; empty is allowed. */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]*)(?::[0-9]*)?$/;

/**
 * Fields that are no list (RFC 9110 §5.3: a sender MUST NOT send them twice) and that decide who
 * is asking or how the body is read. Node keeps the first of two and says nothing; a proxy in front
 * may have checked the second: a request carrying two is refused, not read by one of them.
 */
const SINGLE_FIELDS = ['authorization', 'proxy-authorization', 'content-type'];
const FIELD_LENGTHS = new Set(['host', ...SINGLE_FIELDS].map((f) => f.length));

/**
 * The refusal for a request whose Host header is missing (HTTP/1.1), repeated or not a host, or
 * that repeats another field of SINGLE_FIELDS, or undefined.
 */
export function refuseBadHost(req: IncomingMessage): AppError | undefined {
  const raw = req.rawHeaders;
  let count = 0;
  let repeated: string | undefined;
  let seen: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const sent = raw[i] as string;
    // Lowered only when its length can be one of the fields' (every request runs this loop).
    if (!FIELD_LENGTHS.has(sent.length)) continue;
    const name = sent.toLowerCase();
    if (name === 'host') count++;
    else if (SINGLE_FIELDS.includes(name)) {
      if ((seen ??= []).includes(name)) repeated ??= name;
      else seen.push(name);
    }
  }
  if (repeated !== undefined)
    return new AppError('header_repeated', `send the ${repeated} header once: a second one would be read by some and not by others`, {
      status: 400,
    });
  if (count === 0 && req.httpVersion === '1.0') return undefined;
  if (count === 1 && HOST_VALUE.test(req.headers.host ?? '')) return undefined;
  return new AppError('bad_host', count === 1 ? 'the Host header is not a host name or address' : 'send exactly one Host header', {
    status: 400,
  });
}
