/**
 * The first step of either issuance flow in the reference wallet (pre-authorized code, and
 * authorization code): the Credential Issuer Metadata (OpenID4VCI §12.2), the configuration
 * asked for, and the Authorization Server Metadata (§12.3, RFC 8414), each checked against the
 * identifier it was fetched for.
 */
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { wellKnownUrl } from '../holder/well-known-url.js';
import { call, failed } from './wallet-http.js';

export interface IssuerMetadata {
  metadata: JsonObject;
  configuration: JsonObject;
  format: string;
  /** The configuration takes `jwt` key proofs: each credential is bound to a wallet key. */
  keyBound: boolean;
  /** Authorization Server Metadata. */
  as: JsonObject;
}

export async function readIssuerMetadata(f: typeof fetch, issuer: string, configurationId: string): Promise<IssuerMetadata> {
  // §12.2.2 / §12.2.4: metadata, whose credential_issuer must equal the issuer's identifier exactly.
  const metadata = await call(f, wellKnownUrl(issuer, 'openid-credential-issuer'), {}, 'issuer metadata');
  if (metadata.credential_issuer !== issuer) throw failed('the issuer metadata is for another issuer');
  const configuration = isJsonObject(metadata.credential_configurations_supported)
    ? metadata.credential_configurations_supported[configurationId]
    : undefined;
  if (!isJsonObject(configuration)) throw failed(`the issuer does not describe ${configurationId}`);
  const format = String(configuration.format);
  const keyBound = isJsonObject(configuration.proof_types_supported) && configuration.proof_types_supported.jwt !== undefined;

  // §12.2.4 authorization_servers (absent: the issuer is its own), RFC 8414 §3.3 issuer check.
  const servers = metadata.authorization_servers;
  const asId = Array.isArray(servers) && typeof servers[0] === 'string' ? servers[0] : issuer;
  const as = await call(f, wellKnownUrl(asId, 'oauth-authorization-server'), {}, 'authorization server metadata');
  if (as.issuer !== asId) throw failed('the authorization server metadata is for another server');
  return { metadata, configuration, format, keyBound, as };
}
