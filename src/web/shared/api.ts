/**
 * Calls to this service's HTTP API from a page (same origin only: the pages' CSP says
 * connect-src 'self'). Errors keep the API's stable code: problem+json `code` or the OAuth
 * `error`, so the pages can explain them in plain words.
 */
import { currentLang, t } from './i18n.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
    /** The server answered in Korean (`Content-Language: ko`, or Hangul in its detail): its own sentence. */
    readonly inKorean = false,
  ) {
    super(message);
  }
}

export interface CallOptions {
  method?: string;
  json?: unknown;
  form?: Record<string, string>;
  bearer?: string;
  accept?: string;
  /** Sends `bearer` under this scheme (`DPoP` for a DPoP-bound token, RFC 9449 §7.1); default Bearer. */
  scheme?: 'Bearer' | 'DPoP';
  /** More request headers (a `DPoP` proof). */
  headers?: Record<string, string>;
  /** Sees every response's headers, refusals included (the server's `DPoP-Nonce`). */
  onHeaders?: (headers: Headers) => void;
}

export async function callApi<T>(url: string, opts: CallOptions = {}): Promise<T> {
  // The page's language, not the browser's: a refusal's sentence comes back in the language the
  // page is shown in (the server answers Korean only when asked; an English page gets English).
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json', 'accept-language': currentLang() };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  if (opts.bearer) headers.authorization = `${opts.scheme ?? 'Bearer'} ${opts.bearer}`;
  Object.assign(headers, opts.headers);
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network_error', t('서버에 연결할 수 없습니다.', 'The server cannot be reached.'), undefined);
  }
  opts.onHeaders?.(res.headers);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const code = typeof o.code === 'string' ? o.code : typeof o.error === 'string' ? o.error : `http_${res.status}`;
    const detail = typeof o.detail === 'string' ? o.detail : typeof o.error_description === 'string' ? o.error_description : res.statusText;
    const inKorean = HANGUL.test(detail) || /^ko\b/i.test(res.headers.get('content-language') ?? '');
    throw new ApiError(res.status, code, detail, parsed, inKorean);
  }
  return parsed as T;
}

export type ClientRole = 'issuer' | 'verifier' | 'admin';

const ROLE_NAMES: Record<ClientRole, [string, string]> = {
  issuer: ['발급기관', 'an issuer'],
  verifier: ['검증기관', 'a verifier'],
  admin: ['운영자', 'an admin'],
};

/**
 * Sign-in of a page: asks the service whose key this is (`GET /v1/me`) and turns away a key of a
 * role the page is not for, at once and in plain words, instead of failing at the first action.
 */
export async function signInAs<R extends ClientRole>(key: string, roles: readonly R[]): Promise<R> {
  const me = await callApi<{ role: ClientRole }>('/v1/me', { bearer: key });
  if ((roles as readonly ClientRole[]).includes(me.role)) return me.role as R;
  const [ko, en] = ROLE_NAMES[me.role];
  const wanted = roles.map((r) => ROLE_NAMES[r]);
  // A sentence of the page's own, already in the reader's language: describeError shows it as it is.
  throw new Error(
    t(
      `${ko} 키입니다. 이 화면에는 ${wanted.map((w) => w[0]).join(' 또는 ')} 키가 필요합니다.`,
      `This is ${en} key; this page needs ${wanted.map((w) => w[1]).join(' or ')} key.`,
    ),
  );
}

/** Plain words for the codes a person at a page most often meets; others get a general sentence. */
const WORDS: Record<string, [string, string]> = {
  network_error: ['서버에 연결할 수 없습니다.', 'The server cannot be reached.'],
  missing_api_key: ['API 키를 입력하십시오.', 'Enter an API key.'],
  malformed_authorization: ['API 키 형식이 올바르지 않습니다.', 'The API key is not in the right form.'],
  invalid_api_key: ['API 키가 올바르지 않습니다. 키를 다시 확인하십시오.', 'The API key is not valid. Check the key.'],
  revoked_api_key: ['폐기된 API 키입니다.', 'This API key has been revoked.'],
  wrong_role: ['이 API 키로는 할 수 없는 작업입니다.', 'This API key may not do this.'],
  rate_limited: ['요청이 너무 많습니다. 잠시 후 다시 시도하십시오.', 'Too many requests. Try again shortly.'],
  invalid_claims: ['입력한 항목에 오류가 있습니다.', 'Some fields are not valid.'],
  invalid_grant: [
    '제안이 이미 사용되었거나 만료되었거나, 거래 코드가 틀렸습니다.',
    'The offer was used or has expired, or the transaction code is wrong.',
  ],
  offer_not_found: ['이미 사용되었거나 만료된 발급 제안입니다.', 'This offer was already used or has expired.'],
  invalid_request_uri: ['이미 응답했거나 만료된 요청입니다.', 'This request was already answered or has expired.'],
  invalid_dcql_query: ['DCQL 질의가 올바르지 않습니다.', 'The DCQL query is not valid.'],
  credential_already_revoked: ['이미 폐지된 증명서입니다.', 'This credential is already revoked.'],
  credential_revoked: ['폐지된 증명서는 상태를 바꿀 수 없습니다.', 'A revoked credential cannot be changed.'],
  credential_already_suspended: ['이미 효력이 정지된 증명서입니다.', 'This credential is already suspended.'],
  credential_not_suspended: ['효력이 정지된 증명서가 아닙니다.', 'This credential is not suspended.'],
  invalid_reason: ['사유를 입력하십시오.', 'Enter a reason.'],
};

/**
 * The error in plain words for the person at the page, never the raw code. A Korean page shows
 * the server's own Korean sentence, which says exactly why (a reason with a control character,
 * not just "enter a reason"); the page's table words a code only where the server's words are
 * not Korean, or carry a raw parameter name. Codes without words of their own get a general
 * sentence in Korean, and the server's English detail in English.
 */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    // The token endpoint's structured answer (code_state, tries left) says more than its one sentence.
    if (err.code === 'invalid_grant') return describeInvalidGrant(err.body);
    if (currentLang() === 'ko' && err.inKorean && HANGUL.test(err.message) && !RAW_CODE.test(err.message)) return err.message;
    const w = WORDS[err.code];
    if (w) return t(w[0], w[1]);
  }
  const message = err instanceof Error ? err.message : String(err);
  // A message without Hangul (a server detail, a protocol check in English) is not shown in Korean.
  if (currentLang() === 'ko' && !HANGUL.test(message)) return GENERAL.ko;
  return message || GENERAL.en;
}

/** What an invalid_grant body says beyond the code: `code_state` and `tx_code_attempts_left`. */
function invalidGrantDetail(body: unknown): { codeState: unknown; left: number | undefined } {
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return { codeState: o.code_state, left: typeof o.tx_code_attempts_left === 'number' ? o.tx_code_attempts_left : undefined };
}

/** A token error about the transaction code itself (a wrong code, tries left), not about the offer. */
export function isWrongTxCode(err: unknown): boolean {
  if (!(err instanceof ApiError && err.code === 'invalid_grant')) return false;
  const { codeState, left } = invalidGrantDetail(err.body);
  return codeState === undefined && left !== undefined;
}

/**
 * The token endpoint says which failure it was (`code_state`, `tx_code_attempts_left`, our
 * extension of RFC 6749 §5.2): a wrong code with the tries left, or an offer used, expired or
 * locked. An issuer that does not say gets the general sentence.
 */
function describeInvalidGrant(body: unknown): string {
  const { codeState, left } = invalidGrantDetail(body);
  switch (codeState) {
    case 'used':
      return t('이미 받은 발급 제안입니다. 새 발급 QR을 요청하십시오.', 'This offer was already used. Ask for a new offer QR.');
    case 'expired':
      return t('유효기간이 지난 발급 제안입니다. 새 발급 QR을 요청하십시오.', 'This offer has expired. Ask for a new offer QR.');
    case 'locked':
      return t(
        '거래 코드가 여러 번 틀려 이 발급 제안을 더 쓸 수 없습니다. 발급기관에 새 발급 QR을 요청하십시오.',
        'The transaction code was wrong too many times; this offer can no longer be used. Ask the issuer for a new one.',
      );
    case 'unknown':
      return t('발급기관이 모르는 발급 제안입니다. 링크를 다시 확인하십시오.', 'The issuer does not know this offer. Check the link.');
  }
  if (left !== undefined)
    return t(
      `거래 코드가 맞지 않습니다. ${left}번 더 시도할 수 있습니다.`,
      `The transaction code is wrong. ${left} ${left === 1 ? 'try' : 'tries'} left.`,
    );
  const w = WORDS.invalid_grant!;
  return t(w[0], w[1]);
}

const HANGUL = /[\uAC00-\uD7A3]/;
/** A snake_case parameter or code name (tx_code, redirect_uri): not for a Korean main text. */
const RAW_CODE = /[A-Za-z0-9]_[A-Za-z0-9]/;
const GENERAL = {
  ko: '요청을 처리하지 못했습니다. 입력한 내용을 확인하고 다시 시도하십시오.',
  en: 'The request could not be completed.',
};
