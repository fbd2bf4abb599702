/**
 * A verifier client asks for claims (OpenID4VP 1.0 with DCQL): we store the request with a
 * fresh `state` and `nonce` (§5.2: at least 128 bits from a CSPRNG, URL-safe characters) and
 * hand back the Authorization Request: `openid4vp://?client_id=…&request_uri=…`, by reference
 * (§5.7: request_uri with direct_post is RECOMMENDED across devices, the request object would
 * not fit a QR), rendered as SVG and PNG QR codes.
 */
import { randomBytes } from 'node:crypto';
import type { LocalizedText } from '../catalog/types.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { checkWebhookUrl } from './check-webhook-url.js';
import { parseDcqlQuery } from './parse-dcql-query.js';
import { storedPurpose } from './stored-purpose.js';
import type { PresentationDeps } from './presentation-deps.js';
import { requestUri, verifierClientId } from './verifier-identity.js';

/** qrcode is loaded at the first render, not at start (cold start to /readyz). */
const loadQrCode = () => import('qrcode').then((m) => m.default);

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
  const uri = requestUri(deps.config.publicUrl, id);
  const link = `openid4vp://?client_id=${encodeURIComponent(verifierClientId(deps.config.publicUrl))}&request_uri=${encodeURIComponent(uri)}`;
  return {
    id,
    authorization_request: link,
    request_uri: uri,
    qr_svg: await (await loadQrCode()).toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    qr_png: await (await loadQrCode()).toDataURL(link, { errorCorrectionLevel: 'M', margin: 2, scale: 6 }),
    expires_at: new Date(expiresAt).toISOString(),
  };
}
