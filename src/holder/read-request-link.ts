/**
 * An OpenID4VP request by reference as a wallet receives it (OpenID4VP 1.0 §5.7, RFC 9101 §5.2):
 * `openid4vp://?client_id=…&request_uri=…`. Pure: the CLI wallet and the web wallet read links
 * with it and word the refusal each in its own way.
 */
export interface RequestLink {
  /** The URL scheme with its colon (`openid4vp:`). */
  scheme: string;
  clientId: string;
  requestUri: string;
}

export type RequestLinkError = 'not_a_link' | 'missing_client_id_or_request_uri';

export function readRequestLink(link: string): { ok: true; link: RequestLink } | { ok: false; error: RequestLinkError } {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return { ok: false, error: 'not_a_link' };
  }
  const clientId = url.searchParams.get('client_id');
  const requestUri = url.searchParams.get('request_uri');
  if (!clientId || !requestUri) return { ok: false, error: 'missing_client_id_or_request_uri' };
  return { ok: true, link: { scheme: url.protocol, clientId, requestUri } };
}

/**
 * The verifier's DID when its client_id uses the one Client Identifier Prefix these wallets trust,
 * `decentralized_identifier` with did:web (§5.9.3, the prefix this service's verifiers use); else undefined.
 */
export function didWebOfClientId(clientId: string): string | undefined {
  const prefix = 'decentralized_identifier:';
  return clientId.startsWith(`${prefix}did:web:`) ? clientId.slice(prefix.length) : undefined;
}
