/**
 * Who is calling the token and credential endpoints, from the request headers: the DPoP proof
 * (RFC 9449) and the wallet attestation (attest_jwt_client_auth). The routes call these before
 * the domain touches a code or a token; the policy per configuration is in sender-binding.ts.
 */
import { authorizationParts } from '../formats/authorization-header.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { bearerError } from './vci-errors.js';
import { AppError } from '../errors.js';
import { VCI_PATHS } from './build-issuer-metadata.js';
import { dpopError } from './dpop/dpop-errors.js';
import type { DpopVerifier } from './dpop/verify-dpop.js';
import type { TrustedWalletProviders } from './client-attestation/trusted-wallet-providers.js';
import { verifyClientAttestation } from './client-attestation/verify-client-attestation.js';
import type { SenderBinding } from './sender-binding.js';

interface SenderDeps {
  store: Pick<Store, 'nonces'>;
  clock: Clock;
  config: Pick<Config, 'publicUrl'>;
  walletProviders: TrustedWalletProviders;
}

const SECRET_PARAMETERS = ['client_secret', 'client_assertion', 'client_assertion_type'] as const;
const LEGACY_ATTESTATION_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-client-attestation';

/**
 * Token endpoint and PAR: wallets are public clients here, authenticated by a wallet attestation
 * or not at all (`token_endpoint_auth_methods_supported`: none, attest_jwt_client_auth). A client
 * secret or assertion is a method this server does not support, refused rather than ignored
 * (RFC 6749 §5.2 invalid_client, with the challenge of the scheme the client tried, §2.3.1).
 */
export function refuseUnsupportedClientAuth(headers: IncomingHttpHeaders, form: Record<string, unknown>): void {
  // The one reading of the header (authorization-header.ts); a bare `Basic` with no credentials counts too.
  const basic = (authorizationParts(headers.authorization)?.scheme ?? headers.authorization?.trim().toLowerCase()) === 'basic';
  const scheme = basic ? 'basic' : undefined;
  // An empty field authenticates nothing (some OAuth clients send client_secret=); the draft
  // attestation that travelled as a client_assertion (attest_jwt_client_auth before -02) is
  // ignored as it always was, not refused: attestation now comes in its own headers.
  const legacyAttestation = form.client_assertion_type === LEGACY_ATTESTATION_ASSERTION;
  const parameter = legacyAttestation ? undefined : SECRET_PARAMETERS.find((p) => form[p] !== undefined && form[p] !== '');
  if (scheme === undefined && parameter === undefined) return;
  throw new AppError(
    'invalid_client',
    `client authentication by ${scheme !== undefined ? 'HTTP Basic (client_secret_basic)' : parameter} is not supported: wallets authenticate with a wallet attestation (attest_jwt_client_auth) or not at all`,
    {
      ko: '이 서버는 클라이언트 비밀번호나 클라이언트 어서션으로 인증하지 않습니다. 지갑은 지갑 증명(OAuth-Client-Attestation)으로 인증하거나 인증 없이 요청하십시오.',
      ...(scheme !== undefined && { headers: { 'www-authenticate': 'Basic realm="digital-proof", error="invalid_client"' } }),
    },
  );
}

/** Token endpoint: the DPoP key to bind the token to (§5) and the verified wallet attestation, if sent. */
export async function checkTokenSender(
  deps: SenderDeps,
  dpop: DpopVerifier,
  headers: IncomingHttpHeaders,
  form: Record<string, unknown>,
): Promise<SenderBinding> {
  refuseUnsupportedClientAuth(headers, form);
  const proof = await dpop.verify({ headers, htm: 'POST', htu: `${deps.config.publicUrl}${VCI_PATHS.token}` }, 'token');
  const clientId = typeof form.client_id === 'string' ? form.client_id : undefined;
  const attestation = await verifyClientAttestation(
    { walletProviders: deps.walletProviders, store: deps.store, clock: deps.clock, audience: deps.config.publicUrl },
    headers,
    clientId,
  );
  return {
    ...(proof && { dpopJkt: proof.jkt }),
    ...(attestation && { walletClient: attestation.clientId, walletInstanceJkt: attestation.cnfJkt }),
  };
}

/**
 * Credential endpoint, and the deferred credential and notification endpoints (`path`), as
 * protected resources (RFC 9449 §7): a token bound to a DPoP key is accepted only with the DPoP
 * scheme and a proof by that key carrying `ath` (its `htu` the endpoint's); a Bearer token only
 * as Bearer.
 */
export async function checkCredentialSender(
  deps: SenderDeps,
  dpop: DpopVerifier,
  headers: IncomingHttpHeaders,
  token: { scheme: 'bearer' | 'dpop'; token: string; dpopJkt: string | null },
  path: string = VCI_PATHS.credential,
): Promise<void> {
  if (token.dpopJkt === null) {
    // §7.1: the DPoP scheme names a DPoP-bound token; this one is not.
    if (token.scheme === 'dpop')
      throw bearerError(
        'invalid_token',
        'this access token is not DPoP-bound; send it as Bearer',
        'DPoP 키에 묶이지 않은 접근 토큰입니다. 인증 헤더(Authorization)에 Bearer 방식으로 보내십시오.',
      );
    return;
  }
  // §7.2: a DPoP-bound token sent as Bearer is refused, so a stolen token alone is useless.
  if (token.scheme !== 'dpop')
    throw dpopError(
      'invalid_dpop_proof',
      'this access token is DPoP-bound; send it as Authorization: DPoP with a DPoP proof',
      'DPoP 키에 묶인 접근 토큰입니다. 인증 헤더(Authorization)에 DPoP 방식으로 보내고 DPoP 증명을 함께 보내십시오.',
      'resource',
    );
  const proof = await dpop.verify({ headers, htm: 'POST', htu: `${deps.config.publicUrl}${path}`, accessToken: token.token }, 'resource');
  if (!proof)
    throw dpopError(
      'invalid_dpop_proof',
      'a DPoP proof is required with this access token',
      '이 접근 토큰은 DPoP 증명과 함께 보내야 합니다.',
      'resource',
    );
  // §7.1 / §6.1: the proof key is the key the token is bound to (cnf.jkt).
  if (proof.jkt !== token.dpopJkt)
    throw dpopError(
      'invalid_dpop_proof',
      'the DPoP proof key is not the key this token is bound to',
      'DPoP 증명의 키가 이 접근 토큰에 묶인 키가 아닙니다.',
      'resource',
    );
}
