/** HTTP for the reference wallet: URL rules, JSON calls, and one error code for a peer's refusal. */
import { AppError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';

export const failed = (message: string, code = 'receive_failed') => new AppError(code, 502, message);

/** The spec wants https; plain http is accepted only on this machine (development). */
export function checkUrl(raw: unknown, what: string): string {
  if (typeof raw !== 'string') throw failed(`${what} is missing`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw failed(`${what} is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw failed(`${what} must use https: ${raw}`);
  return raw;
}

/** RFC 8414 §3 / OpenID4VCI §12.2.2: the well-known segment goes between host and path. */
export const wellKnown = (identifier: string, name: string) => {
  const u = new URL(identifier);
  return `${u.origin}/.well-known/${name}${u.pathname === '/' ? '' : u.pathname}`;
};

export async function call(f: typeof fetch, url: string, init: RequestInit, what: string): Promise<JsonObject> {
  let res: Response;
  try {
    res = await f(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch {
    throw failed(`${what}: ${url} did not answer`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = isJsonObject(body) && typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : `HTTP ${res.status}`;
    throw failed(`${what} refused: ${err}`);
  }
  if (!isJsonObject(body)) throw failed(`${what} did not answer with a JSON object`);
  return body;
}

