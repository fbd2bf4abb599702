/**
 * A verifier client asks for claims (OpenID4VP 1.0 with DCQL): we store the request with a
 * fresh `state` and `nonce` (§5.2: at least 128 bits from a CSPRNG, URL-safe characters) and
 * hand back the Authorization Request: `openid4vp://?client_id=…&request_uri=…`, by reference
 * (§5.7: request_uri with direct_post is RECOMMENDED across devices, the request object would
 * not fit a QR), with the URLs of its SVG and PNG QR codes (render-request-qr.ts).
 */
import { randomBytes } from 'node:crypto';
import { badRequest } from '../errors.js';
import type { LocalizedText } from '../catalog/types.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { VerifierRequestRecord } from '../store/repositories/verifier-requests-repo.js';
import { checkWebhookUrl } from './check-webhook-url.js';
import { parseDcqlQuery } from './parse-dcql-query.js';
import { storedPurpose } from './stored-purpose.js';
import type { PresentationDeps } from './presentation-deps.js';
import { requestUri } from './verifier-identity.js';
import { chooseClientIdentifier } from './x509-identity/choose-client-identifier.js';
import { authorizationRequestLink, requestQrUrls } from './render-request-qr.js';
import { storeResponseMode } from './response-encryption/create-response-key.js';
import { DC_API_MODES, type ResponseMode } from './response-encryption/response-modes.js';
import { buildDcApiRequests, type DcApiRequest } from './dc-api/build-dc-api-requests.js';
import { checkOrigin } from './dc-api/check-origin.js';
import { checkRedirectUri } from './same-device/check-redirect-uri.js';

export interface CreateRequestInput {
  dcql_query: unknown;
  purpose?: LocalizedText;
  webhook_url?: string;
  /** OpenID4VP 1.0 §5.9: decentralized_identifier (default), x509_san_dns or x509_hash. */
  client_id_prefix?: string;
  /** §5.10: `post` lets the wallet post wallet_metadata and wallet_nonce to the request_uri. */
  request_uri_method?: 'get' | 'post';
  /** `direct_post` (default) or `direct_post.jwt` (encrypted answer, HAIP). */
  response_mode?: ResponseMode;
  /** DC API modes: the verifier page's origin (default: PUBLIC_URL's). */
  origin?: string;
  /** Same-device flow (§13.3): the verifier frontend the wallet returns the holder to with a response_code. */
  redirect_uri?: string;
}

/** A request fetched by request_uri (direct_post, direct_post.jwt): the link, and its QR codes. */
export interface CreatedRequest {
  id: string;
  authorization_request: string;
  request_uri: string;
  qr_svg: string;
  qr_png: string;
  expires_at: string;
  /** Made with redirect_uri: the result is read with the response_code (same-device/response-code.ts). */
  same_device?: true;
}

/** A DC API request: no link or QR (no wallet could use them); what the page passes to navigator.credentials.get({ digital: { requests } }). */
export interface CreatedDcApiRequest {
  id: string;
  expires_at: string;
  dc_api_requests: DcApiRequest[];
}

export const randomToken = (): string => randomBytes(16).toString('base64url');

export async function createVerifierRequest(
  deps: PresentationDeps,
  client: ApiClient,
  input: CreateRequestInput,
): Promise<CreatedRequest | CreatedDcApiRequest> {
  parseDcqlQuery(input.dcql_query, deps.catalog, client); // refuses a query we cannot answer
  const webhook =
    input.webhook_url === undefined
      ? null
      : checkWebhookUrl(input.webhook_url, { production: deps.config.nodeEnv === 'production', allowHosts: deps.config.webhookAllowHosts });
  const mode = input.response_mode ?? 'direct_post';
  const production = deps.config.nodeEnv === 'production';
  // The DC API answer comes back to the page that asked (Appendix A): there is no redirect to bind.
  if (input.redirect_uri !== undefined && DC_API_MODES.has(mode)) {
    throw badRequest(
      'invalid_redirect_uri',
      'redirect_uri (same-device) is for direct_post modes: a DC API answer returns to the page itself',
    );
  }
  // request_uri_method is how a wallet fetches by request_uri, which a DC API request never is;
  // an origin binds only a DC API answer. Either one given where it means nothing is refused.
  if (input.request_uri_method !== undefined && DC_API_MODES.has(mode))
    throw badRequest(
      'invalid_request',
      'request_uri_method is for requests fetched by request_uri: a DC API request travels through the browser',
    );
  if (input.origin !== undefined && !DC_API_MODES.has(mode))
    throw badRequest(
      'invalid_origin',
      'origin is for the DC API modes (dc_api, dc_api.jwt): it is the page that calls navigator.credentials.get',
    );
  const redirectUri = input.redirect_uri === undefined ? null : checkRedirectUri(input.redirect_uri, production);
  // DC API requests are signed under the identifier asked for (or the client's default) too
  // (Appendix A.3.2, HAIP 1.0 §5.2): did:web, or an X.509 identity with its x5c.
  const clientId = await chooseClientIdentifier(deps, client.id, input.client_id_prefix, { dcApi: DC_API_MODES.has(mode) });
  const origin = DC_API_MODES.has(mode)
    ? checkOrigin(input.origin ?? new URL(deps.config.publicUrl).origin, deps.config.nodeEnv === 'production')
    : null;
  // Rows past their purge time leave with the purge timer (purge-expired-state.ts), not here.
  const now = deps.clock.now();
  const id = randomToken();
  const expiresAt = now + deps.config.verifierRequestTtlSeconds * 1000;
  const rec: VerifierRequestRecord = {
    id,
    client_id: client.id,
    state: randomToken(),
    nonce: randomToken(),
    dcql_query: JSON.stringify(input.dcql_query),
    purpose: storedPurpose(input.purpose),
    webhook_url: webhook,
    status: 'pending',
    created_at: now,
    expires_at: expiresAt,
    responded_at: null,
    result: null,
    result_read_at: null,
    purge_at: expiresAt + deps.config.verifierResultRetentionSeconds * 1000,
    verifier_client_id: clientId,
    request_uri_method: input.request_uri_method === 'post' ? 'post' : null,
    redirect_uri: redirectUri,
  };
  await deps.store.verifierRequests.insert(rec);
  await storeResponseMode(deps, id, mode, expiresAt, origin);
  const expires_at = new Date(expiresAt).toISOString();
  // A DC API request is answered through the browser only (its request object is not fetchable).
  if (origin !== null) return { id, expires_at, dc_api_requests: await buildDcApiRequests(deps, rec, origin) };
  return {
    id,
    authorization_request: authorizationRequestLink(deps.config.publicUrl, rec),
    request_uri: requestUri(deps.config.publicUrl, id),
    ...requestQrUrls(deps.config.publicUrl, id),
    expires_at,
    ...(redirectUri !== null && { same_device: true as const }),
  };
}
