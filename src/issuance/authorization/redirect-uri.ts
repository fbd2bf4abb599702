/**
 * What a wallet's redirect_uri may be (RFC 6749 §3.1.2: absolute, no fragment; RFC 8252 §7:
 * https, a private-use scheme, or http to a loopback address). One rule for the pushed request
 * and for the URIs an operator registers in WALLET_CLIENTS.
 */
export const REDIRECT_URI_MAX = 2048;

export interface RedirectUriFault {
  en: string;
  ko: string;
}

/**
 * RFC 3986 §2: the characters a URI may hold (unreserved, reserved, `%`). The WHATWG URL parser
 * is kinder (it drops tabs and line breaks, escapes spaces), so the string stored, compared at
 * the token endpoint and the one the code is sent to would not be the same.
 */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;

/**
 * Why `raw` cannot be a redirect_uri, or undefined when it can. `registered`: an operator listed
 * it for its client (WALLET_CLIENTS), so a private-use scheme need not be a reverse domain name
 * (RFC 8252 §7.1 asks that of apps; the EUDI reference wallet's `eudi-openid4ci://authorize` is
 * not one), but it is never javascript:, data: and the like, nor plain http to another host.
 */
export function redirectUriFault(raw: string, registered = false): RedirectUriFault | undefined {
  if (!URI_CHARACTERS.test(raw))
    return {
      en: 'redirect_uri holds characters a URI cannot (spaces, control characters, non-ASCII): percent-encode them',
      ko: '돌아올 주소(redirect_uri)에 주소에 쓸 수 없는 문자(공백, 제어 문자, ASCII 밖의 문자)가 있습니다. 퍼센트 인코딩하여 보내십시오.',
    };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { en: 'redirect_uri must be an absolute URI', ko: '돌아올 주소(redirect_uri)는 절대 주소여야 합니다.' };
  }
  if (raw.length > REDIRECT_URI_MAX)
    return { en: 'redirect_uri is longer than 2048 characters', ko: '돌아올 주소(redirect_uri)는 2048자 이하여야 합니다.' };
  // RFC 9700 §4.1.1 / §2.1: no user information to confuse where the code goes.
  if (u.username !== '' || u.password !== '' || /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/.test(raw))
    return {
      en: 'redirect_uri must not carry user information (user:password@)',
      ko: '돌아올 주소(redirect_uri)에는 사용자 정보(user:password@)를 넣을 수 없습니다.',
    };
  if (u.hash !== '' || raw.includes('#'))
    return { en: 'redirect_uri must not carry a fragment', ko: '돌아올 주소(redirect_uri)에는 조각(#)을 넣을 수 없습니다.' };
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  const scheme = u.protocol.slice(0, -1);
  const privateUse = registered ? scheme !== 'http' && scheme !== 'https' : /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/.test(scheme);
  const ok =
    u.protocol === 'https:' ||
    (u.protocol === 'http:' && loopback) ||
    (privateUse && !['javascript', 'data', 'file', 'blob', 'vbscript', 'about', 'ftp', 'ws', 'wss'].includes(scheme)) ||
    scheme === 'openid-credential-offer' ||
    scheme === 'haip';
  if (!ok)
    return {
      en: 'redirect_uri must be https, http to a loopback address, or a private-use scheme',
      ko: '돌아올 주소(redirect_uri)는 https 주소, 루프백 주소로 가는 http 주소 또는 앱 전용 스킴이어야 합니다.',
    };
  return undefined;
}

const LOOPBACK_IP = new Set(['127.0.0.1', '[::1]']);

/** The query parameters of an answer added to a redirect_uri, its own query kept as written (RFC 6749 §3.1.2). */
export function withQueryParameters(redirectUri: string, params: URLSearchParams): string {
  const separator = !redirectUri.includes('?') ? '?' : /[?&]$/.test(redirectUri) ? '' : '&';
  return `${redirectUri}${separator}${params.toString()}`;
}

/**
 * Whether the redirect_uri `asked` is the registered `registered`: the same string (RFC 6749
 * §3.1.2.3), except that for http to a loopback IP literal any port is accepted, since a native
 * app listens on whatever port is free (RFC 8252 §7.3).
 */
export function sameRedirectUri(registered: string, asked: string): boolean {
  if (registered === asked) return true;
  if (!registered.startsWith('http://') || !asked.startsWith('http://')) return false;
  const r = new URL(registered);
  const a = new URL(asked);
  if (!LOOPBACK_IP.has(r.hostname) || r.hostname !== a.hostname) return false;
  r.port = '';
  a.port = '';
  return r.href === a.href;
}
