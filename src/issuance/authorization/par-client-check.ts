/**
 * The hook where a pushed authorization request authenticates its client (the wallet) before
 * anything is stored: OAuth 2.0 Attestation-Based Client Authentication (the
 * `OAuth-Client-Attestation` and `OAuth-Client-Attestation-PoP` headers) plugs in here (DPoP at
 * PAR, RFC 9449 §10.1, is read by push-authorization-request.ts). The route passes the one it was
 * given (app.ts); a check refuses by
 * throwing an AppError (`invalid_request`, or an `invalid_client` entry added to the catalogue with it), and may return what it learnt
 * (a DPoP key thumbprint to bind the code to).
 */
export interface ParClientContext {
  clientId: string;
  /** The redirect_uri asked for, of a valid shape (redirect-uri.ts); registered or not is the check's to judge. */
  redirectUri: string;
  /** The request's headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The form, as parsed (single-valued fields already checked). */
  form: Record<string, unknown>;
  /** The credential configuration asked for (policy per configuration: attestation required or not). */
  configurationId: string;
  /** The absolute URL of the PAR endpoint (the `htu` of a DPoP proof). */
  endpoint: string;
}

export type ParClientCheck = (ctx: ParClientContext) => Promise<void>;

/** Today: public clients, no attestation asked (`token_endpoint_auth_methods_supported: ["none"]`). */
export const acceptPublicClient: ParClientCheck = async () => {};
