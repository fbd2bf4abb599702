/**
 * QR codes of a verifier request's Authorization Request link (`openid4vp://?client_id=…&
 * request_uri=…`), served from `GET /openid4vp/requests/{id}/qr.svg|png` — the same shape as an
 * offer's `qr_svg` / `qr_png` (URLs, not inline images), so an API client handles both the same
 * way and a request costs no render unless someone shows its QR. Only a pending request is
 * rendered; the image encodes nothing the link does not already say.
 */
import { AppError } from '../errors.js';
import { requestRefusal } from './request-refusals.js';
import { responseModeParts } from './response-encryption/encryption-client-metadata.js';
import { DC_API_MODES } from './response-encryption/response-modes.js';
import type { VerifierRequestRecord } from '../store/repositories/verifier-requests-repo.js';
import type { PresentationDeps } from './presentation-deps.js';
import { requestUri, verifierClientId } from './verifier-identity.js';
import { renderLinkQr, type QrKind } from '../render-link-qr.js';

/**
 * The Authorization Request by reference (OpenID4VP §5.7) for a stored request, under the client
 * identifier it was made with (did:web by default), with `request_uri_method=post` when asked (§5.10).
 */
export function authorizationRequestLink(
  publicUrl: string,
  rec: Pick<VerifierRequestRecord, 'id' | 'verifier_client_id' | 'request_uri_method'>,
): string {
  const clientId = rec.verifier_client_id ?? verifierClientId(publicUrl);
  const method = rec.request_uri_method === 'post' ? '&request_uri_method=post' : '';
  return `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(requestUri(publicUrl, rec.id))}${method}`;
}

export const requestQrUrls = (publicUrl: string, id: string) => ({
  qr_svg: `${requestUri(publicUrl, id)}/qr.svg`,
  qr_png: `${requestUri(publicUrl, id)}/qr.png`,
});

export async function renderRequestQr(deps: PresentationDeps, id: string, kind: QrKind): Promise<string | Buffer> {
  const rec = await deps.store.verifierRequests.get(id);
  if (!rec) throw new AppError('invalid_request_uri', 'no such request', { status: 404 });
  if (rec.responded_at !== null || deps.clock.now() >= rec.expires_at)
    throw new AppError('invalid_request_uri', 'the request was already answered or has expired', { status: 400 });
  // A revoked client's request: its link is dead (sign-request-object.ts), so is its QR.
  const client = await deps.store.clients.get(rec.client_id);
  if (client && client.revokedAt !== null) throw requestRefusal('invalid_request_uri', 'verifierRevoked', { status: 400 });
  // A DC API request has no link a wallet could use: it travels through the browser only.
  if (DC_API_MODES.has((await responseModeParts(deps, rec.id)).response_mode))
    throw requestRefusal('invalid_request_uri', 'dcApiOnly', { status: 400 });
  // The same image as an offer's QR (render-link-qr.ts).
  return renderLinkQr(authorizationRequestLink(deps.config.publicUrl, rec), kind);
}
