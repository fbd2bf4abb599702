/**
 * Client identifier prefixes of OpenID4VP 1.0 §5.9 this service knows, and how to split one off a
 * client_id. Pure (no node:crypto): the web wallet reads client identifiers with it too.
 */
export const CLIENT_ID_PREFIXES = ['decentralized_identifier', 'x509_san_dns', 'x509_hash'] as const;
export type ClientIdPrefix = (typeof CLIENT_ID_PREFIXES)[number];

export const isClientIdPrefix = (v: unknown): v is ClientIdPrefix => CLIENT_ID_PREFIXES.includes(v as ClientIdPrefix);

/** Splits `x509_hash:abc` into its prefix and identifier; undefined for what is not one of ours. */
export function splitClientId(clientId: string): { prefix: ClientIdPrefix; identifier: string } | undefined {
  const i = clientId.indexOf(':');
  if (i < 1) return undefined;
  const prefix = clientId.slice(0, i);
  return isClientIdPrefix(prefix) ? { prefix, identifier: clientId.slice(i + 1) } : undefined;
}
