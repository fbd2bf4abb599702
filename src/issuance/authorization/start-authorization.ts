/**
 * Authorization endpoint (RFC 6749 §4.1.1 with RFC 9126 §4): only pushed requests are accepted
 * (`require_pushed_authorization_requests`). The request_uri is used once; the citizen is sent
 * to the identity provider with a fresh state whose hash is stored. Errors here are answered to
 * the browser, never redirected: the redirect_uri is not trusted before the request_uri is
 * (RFC 6749 §4.1.2.1).
 */
import { hashSecret, newSecret } from '../vci-secrets.js';
import { authorizationError, LOGIN_WINDOW_SECONDS, REQUEST_URI_PREFIX, type AuthorizationDeps } from './authorization-deps.js';
import { singleParam } from '../form-params.js';
import { browserBinding, IdentityProviderError, loginUrl } from './oidc-login.js';

/** Where to send the browser, and the cookie value that binds the login to it (`browserBinding`). */
export async function startAuthorization(
  deps: AuthorizationDeps,
  query: Record<string, unknown>,
): Promise<{ url: string; binding: string }> {
  const requestUri = singleParam(query, 'request_uri');
  const clientId = singleParam(query, 'client_id');
  if (requestUri === undefined)
    throw authorizationError(
      'invalid_request',
      'push the authorization request first (PAR) and send its request_uri',
      '먼저 인가 요청을 등록(PAR)하고, 받은 요청 주소(request_uri)를 보내십시오.',
    );
  if (clientId === undefined || clientId === '')
    throw authorizationError('invalid_request', 'client_id is required', '클라이언트 식별자(client_id)가 없습니다.');
  const secret = requestUri.startsWith(REQUEST_URI_PREFIX) ? requestUri.slice(REQUEST_URI_PREFIX.length) : '';
  const now = deps.clock.now();
  const req = secret === '' ? undefined : await deps.store.authorizationRequests.byRequestUriHash(hashSecret(secret));
  if (!req || req.started_at !== null || req.expires_at <= now)
    throw authorizationError(
      'invalid_request_uri',
      'the request_uri is unknown, already used or expired; push the request again',
      '알 수 없거나, 이미 사용되었거나, 만료된 요청 주소(request_uri)입니다. 인가 요청을 다시 등록하십시오.',
    );
  // RFC 9126 §4: the client_id must be the one of the pushed request.
  if (req.client_id !== clientId)
    throw authorizationError(
      'invalid_request',
      'client_id is not the one of the pushed request',
      '클라이언트 식별자(client_id)가 등록한 인가 요청의 것과 다릅니다.',
    );

  const state = newSecret();
  let url: string;
  try {
    url = await loginUrl(deps, state);
  } catch (e) {
    if (e instanceof IdentityProviderError)
      throw authorizationError('temporarily_unavailable', e.message, '본인 확인 서비스에 연결할 수 없습니다. 잠시 후 다시 시도하십시오.');
    throw e;
  }
  const binding = await browserBinding(deps, state);
  if (!(await deps.store.authorizationRequests.start(req.id, now, hashSecret(state), now + LOGIN_WINDOW_SECONDS * 1000)))
    throw authorizationError(
      'invalid_request_uri',
      'the request_uri is unknown, already used or expired; push the request again',
      '알 수 없거나, 이미 사용되었거나, 만료된 요청 주소(request_uri)입니다. 인가 요청을 다시 등록하십시오.',
    );
  return { url, binding };
}
