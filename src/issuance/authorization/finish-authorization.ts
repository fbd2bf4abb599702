/**
 * The identity provider's redirect back (OIDC Core §3.1.2.5 / §3.1.2.6), as a story: find the
 * login by its state → the provider refused (the citizen cancelled) → `access_denied` to the
 * wallet → otherwise exchange the code and verify the ID token → ask the claims source for the
 * claims of the subject → it refused → `access_denied` → validate the claims against the type's
 * schema → seal them under a fresh authorization code, store the code's offer row and use up the
 * offer of `issuer_state`, in one transaction → the code goes to the wallet's redirect_uri with
 * its state and our `iss` (RFC 9207).
 *
 * Every ending is recorded once (`completed_at`), so a replayed callback does nothing. Nothing is
 * issued here: a refusal leaves no claims, no code and no offer used.
 */
import { withQueryParameters } from './redirect-uri.js';
import { randomBytes } from 'node:crypto';
import { validateClaims } from '../../catalog/validate-claims.js';
import { resolveConfiguration, type CredentialConfiguration } from '../build-issuer-metadata.js';
import type { ApiClient } from '../../store/repositories/clients-repo.js';
import type { Claims } from '../../catalog/types.js';
import { resolveType } from '../issue-credential.js';
import { hashSecret, newSecret, sameHash } from '../vci-secrets.js';
import type { AuthorizationRequestRecord } from '../../store/repositories/authorization-requests-repo.js';
import { sealClaims } from './claims-seal.js';
import { askClaimsSource, ClaimsSourceError } from './claims-source.js';
import { browserBinding, finishLogin, IdentityProviderError, providerMetadata } from './oidc-login.js';
import { authorizationError, AUTHORIZATION_CODE_TTL_SECONDS, type AuthorizationDeps } from './authorization-deps.js';
import { singleParam } from '../form-params.js';

/** What the wallet is told at its redirect_uri (RFC 6749 §4.1.2 / §4.1.2.1). */
/** Where failures of the identity provider or claims source are told (never claims, codes or tokens). */
type Logger = { warn(details: object, message: string): void };
type Refusal = { error: 'access_denied' | 'server_error' | 'temporarily_unavailable'; description: string };
type Ending = { code: string } | Refusal;
type Decision = { ending: Refusal } | { configuration: CredentialConfiguration; client: ApiClient; claims: Claims };

export function walletRedirect(deps: AuthorizationDeps, req: AuthorizationRequestRecord, ending: Ending): string {
  const params = new URLSearchParams();
  if ('code' in ending) params.set('code', ending.code);
  else {
    params.set('error', ending.error);
    params.set('error_description', ending.description);
  }
  if (req.state !== null) params.set('state', req.state);
  // RFC 9207: the authorization server's identifier, against mix-up attacks.
  params.set('iss', deps.config.publicUrl);
  // Added to the redirect_uri as pushed and compared, its own query kept as written (re-serialising
  // it through URL would turn `a/b` into `a%2Fb` and `%20` into `+`).
  return withQueryParameters(req.redirect_uri, params);
}

async function decide(
  deps: AuthorizationDeps,
  req: AuthorizationRequestRecord,
  query: Record<string, unknown>,
  state: string,
  log: Logger,
): Promise<Decision> {
  // RFC 9207 at the identity provider's side: an iss that is not the provider is a mix-up, and
  // so is an answer without iss from a provider whose metadata says it always sends one (§2.4).
  const iss = singleParam(query, 'iss');
  if (iss !== undefined && iss !== deps.config.authorizationCode.oidcIssuer)
    return { ending: { error: 'server_error', description: 'the login answer came from another identity provider' } };
  if (iss === undefined && (await providerSendsIss(deps)))
    return { ending: { error: 'server_error', description: 'the login answer lacks the iss its identity provider always sends' } };
  const idpError = singleParam(query, 'error');
  if (idpError !== undefined) return { ending: { error: 'access_denied', description: 'the login was cancelled or refused' } };
  const code = singleParam(query, 'code');
  if (code === undefined || code === '') return { ending: { error: 'server_error', description: 'the identity provider sent no code' } };

  let sub: string;
  try {
    ({ sub } = await finishLogin(deps, state, code));
  } catch (e) {
    if (!(e instanceof IdentityProviderError)) throw e;
    log.warn({ reason: e.message }, 'authorization code flow: login at the identity provider failed');
    return { ending: { error: 'server_error', description: 'the login could not be verified' } };
  }
  const configuration = resolveConfiguration(deps.catalog, req.configuration_id);
  const client = await deps.store.clients.get(req.issuer_client_id);
  if (!configuration || !client || client.revokedAt !== null || client.role !== 'issuer')
    return { ending: { error: 'access_denied', description: 'this credential can no longer be issued' } };
  try {
    resolveType(deps.catalog, client, configuration.type.id, configuration.format);
  } catch {
    return { ending: { error: 'access_denied', description: 'this credential can no longer be issued' } };
  }
  let answer;
  try {
    answer = await askClaimsSource(deps, { sub, configurationId: configuration.id, typeId: configuration.type.id, offerId: req.offer_id });
  } catch (e) {
    if (!(e instanceof ClaimsSourceError)) throw e;
    log.warn({ reason: e.message }, 'authorization code flow: the claims source failed');
    return { ending: { error: 'temporarily_unavailable', description: 'the claims source did not answer; try again later' } };
  }
  if (!answer.granted) return { ending: { error: 'access_denied', description: 'the issuing agency declined to issue this credential' } };
  let claims;
  try {
    claims = validateClaims(configuration.type, answer.claims);
  } catch {
    log.warn({ configuration: configuration.id }, 'authorization code flow: the claims source sent claims that break the type schema');
    return { ending: { error: 'server_error', description: 'the issuing agency sent claims that do not fit the credential' } };
  }
  return { configuration, client, claims };
}

const alreadyFinished = () => authorizationError('invalid_request', 'this login was already finished', '이미 끝난 본인 확인입니다.');

/** `binding`: the login cookie the browser brought (a login finished in another browser than the one that started it is refused). */
export async function finishAuthorization(
  deps: AuthorizationDeps,
  query: Record<string, unknown>,
  binding: string | undefined,
  log: Logger,
): Promise<string> {
  const state = singleParam(query, 'state');
  if (state === undefined || state === '')
    throw authorizationError('invalid_request', 'state is missing', '본인 확인 응답에 상태 값(state)이 없습니다.');
  const req = await deps.store.authorizationRequests.byIdpStateHash(hashSecret(state));
  if (!req || req.completed_at !== null)
    throw authorizationError(
      'invalid_request',
      'no login in progress with this state (finished, or never started)',
      '진행 중인 본인 확인이 없습니다. 이미 끝났거나 시작된 적이 없습니다.',
    );
  if (binding === undefined || !sameHash(binding, await browserBinding(deps, state)))
    throw authorizationError(
      'invalid_request',
      'this login was started in another browser; start again from the wallet',
      '다른 브라우저에서 시작한 본인 확인입니다. 지갑에서 처음부터 다시 시작하십시오.',
    );
  const now = deps.clock.now();
  if (req.expires_at <= now) {
    if (!(await deps.store.authorizationRequests.complete(req.id, now, 'access_denied')).ok) throw alreadyFinished();
    return walletRedirect(deps, req, { error: 'access_denied', description: 'the login took too long; start again' });
  }

  const decided = await decide(deps, req, query, state, log);
  const done = deps.clock.now();
  if ('ending' in decided) {
    if (!(await deps.store.authorizationRequests.complete(req.id, done, decided.ending.error)).ok) throw alreadyFinished();
    return walletRedirect(deps, req, decided.ending);
  }
  const code = newSecret();
  const granted = await deps.store.authorizationRequests.complete(req.id, done, 'code', {
    boundOfferId: req.offer_id,
    codeOffer: {
      id: randomBytes(12).toString('hex'),
      // Never handed out: the row is reached by its code, never by an offer reference.
      ref_hash: hashSecret(newSecret()),
      code_hash: hashSecret(code),
      client_id: decided.client.id,
      type: decided.configuration.type.id,
      format: decided.configuration.format,
      configuration_id: decided.configuration.id,
      claims: sealClaims(JSON.stringify(decided.claims), code),
      tx_code_hash: null,
      tx_code_length: null,
      created_at: done,
      expires_at: done + AUTHORIZATION_CODE_TTL_SECONDS * 1000,
      redeemed_at: null,
      burned_at: null,
      issued_at: null,
    },
  });
  if (!granted.ok) {
    // Nothing was stored. A callback that finished this login first has told the wallet already.
    if (granted.reason === 'completed') throw alreadyFinished();
    // The offer of issuer_state was used or expired meanwhile: the login ends refused, once.
    if (!(await deps.store.authorizationRequests.complete(req.id, done, 'access_denied')).ok) throw alreadyFinished();
    return walletRedirect(deps, req, {
      error: 'access_denied',
      description: granted.reason === 'offer_expired' ? 'the credential offer has expired' : 'the credential offer was already used',
    });
  }
  return walletRedirect(deps, req, { code });
}

/** Whether the provider's metadata promises `iss` (RFC 9207 §3); unknown (metadata unreachable) reads as no, and the login then fails at its token request. */
async function providerSendsIss(deps: AuthorizationDeps): Promise<boolean> {
  try {
    return (await providerMetadata(deps)).sendsIss;
  } catch (e) {
    if (e instanceof IdentityProviderError) return false;
    throw e;
  }
}
