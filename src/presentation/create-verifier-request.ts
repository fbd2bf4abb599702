/**
 * A verifier client asks for claims (OpenID4VP 1.0 with DCQL): we store the request with a
 * fresh `state` and `nonce` (§5.2: at least 128 bits from a CSPRNG, URL-safe characters) and
 * hand back the Authorization Request: `openid4vp://?client_id=…&request_uri=…`, by reference
 * (§5.7: request_uri with direct_post is RECOMMENDED across devices, the request object would
 * not fit a QR), with the URLs of its SVG and PNG QR codes (render-request-qr.ts).
 */
import { randomBytes } from 'node:crypto';
import type { LocalizedText } from '../catalog/types.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { checkWebhookUrl } from './check-webhook-url.js';
import { parseDcqlQuery } from './parse-dcql-query.js';
import { storedPurpose } from './stored-purpose.js';
import type { PresentationDeps } from './presentation-deps.js';
import { requestUri } from './verifier-identity.js';
import { authorizationRequestLink, requestQrUrls } from './render-request-qr.js';

export interface CreateRequestInput {
  dcql_query: unknown;
  purpose?: LocalizedText;
  webhook_url?: string;
}

export interface CreatedRequest {
  id: string;
  authorization_request: string;
  request_uri: string;
  qr_svg: string;
  qr_png: string;
  expires_at: string;
}

export const randomToken = (): string => randomBytes(16).toString('base64url');

export async function createVerifierRequest(deps: PresentationDeps, client: ApiClient, input: CreateRequestInput): Promise<CreatedRequest> {
  parseDcqlQuery(input.dcql_query, deps.catalog, client); // refuses a query we cannot answer
  const webhook =
    input.webhook_url === undefined
      ? null
      : checkWebhookUrl(input.webhook_url, { production: deps.config.nodeEnv === 'production', allowHosts: deps.config.webhookAllowHosts });
  const now = deps.clock.now();
  await deps.store.verifierRequests.purge(now);
  const id = randomToken();
  const expiresAt = now + deps.config.verifierRequestTtlSeconds * 1000;
  await deps.store.verifierRequests.insert({
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
  });
  return {
    id,
    authorization_request: authorizationRequestLink(deps.config.publicUrl, { id }),
    request_uri: requestUri(deps.config.publicUrl, id),
    ...requestQrUrls(deps.config.publicUrl, id),
    expires_at: new Date(expiresAt).toISOString(),
  };
}
