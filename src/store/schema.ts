/**
 * Table types shared by both back ends. Times are milliseconds since the epoch (bigint columns;
 * the PostgreSQL driver is told to return int8 as a number). JSON is stored as text so the same
 * SQL runs on SQLite and PostgreSQL.
 */
import type { ColumnType, Generated } from 'kysely';

export type KeyState = 'active' | 'retiring' | 'retired';
export type ClientRole = 'issuer' | 'verifier' | 'admin';

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: KeyState;
  public_jwk: string;
  file: string;
  created_at: number;
  activated_at: number | null;
  retiring_at: number | null;
  retired_at: number | null;
  /** JSON array of base64 DER certificates (leaf first, no trust anchor) certifying the key; 0012. */
  issuer_x5c: string | null;
}

export interface ApiClientsTable {
  id: string;
  name: string;
  role: ClientRole;
  /** JSON array of credential type ids this client may issue or ask for; null = all. */
  types: string | null;
  key_hash: string;
  /** Requests per minute; null = the configured default; 0 = unlimited. */
  rate_limit: number | null;
  created_at: number;
  revoked_at: number | null;
  /** A verifier client's default OpenID4VP client identifier prefix (migration 0006); null: did:web. */
  client_id_prefix?: string | null;
  /** A verifier client's logo, https (migration 0013); null: none. */
  logo_uri?: string | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  subject: string;
  /** JSON object; never holds claim values, tokens or keys. */
  detail: string | null;
}

export type StatusListState = 'open' | 'full';

export interface StatusListsTable {
  id: string;
  bits: number;
  size: number;
  state: StatusListState;
  version: number;
  created_at: number;
}

export interface CredentialsTable {
  id: string;
  type: string;
  format: string;
  status_list: string;
  status_idx: number;
  /** Token Status List value: 0 valid, 1 invalid (revoked), 2 suspended. */
  status: number;
  kid: string;
  /** RFC 7638 thumbprint of the holder key, when bound. */
  holder_jkt: string | null;
  client_id: string;
  issued_at: number;
  expires_at: number;
  /** SHA-256 (base64url) of the issued credential as handed out. */
  credential_hash: string;
  status_changed_at: number | null;
  /** The OpenID4VCI notification_id the credential was handed out with (§11, 0019); NULL for none. */
  notification_id: string | null;
}

export type VerifierRequestStatus = 'pending' | 'verified' | 'rejected';

export interface VerifierRequestsTable {
  id: string;
  client_id: string;
  state: string;
  nonce: string;
  /** JSON: the DCQL query as asked. */
  dcql_query: string;
  /** JSON {ko, en} or null. */
  purpose: string | null;
  webhook_url: string | null;
  status: VerifierRequestStatus;
  created_at: number;
  expires_at: number;
  responded_at: number | null;
  /** JSON result; its claim values are removed once the verifier has read them. */
  result: string | null;
  result_read_at: number | null;
  purge_at: number;
  /** The client identifier the request was made under (migration 0006); null: the did:web default. */
  verifier_client_id: string | null;
  /** 'post' when the wallet is to POST to request_uri (OpenID4VP §5.10, migration 0006); null: get. */
  request_uri_method: string | null;
  /** Same-device requests: the verifier frontend the holder is sent back to with a response_code (migration 0013); null: cross-device. */
  redirect_uri: string | null;
}

export interface VerificationReceiptsTable {
  id: string;
  client_id: string;
  verifier_name: string;
  request_id: string | null;
  channel: 'openid4vp' | 'counter';
  purpose: string | null;
  credential_type: string | null;
  issuer: string | null;
  /** JSON array of disclosed claim paths (names only, never values). */
  claim_names: string;
  verdict: 'verified' | 'rejected';
  code: string;
  holder_jkt: string | null;
  at: number;
}

export interface ConsumedNoncesTable {
  nonce_hash: string;
  kind: string;
  expires_at: number;
}

/** An OpenID4VCI credential offer and its pre-authorized code (migration 0003). */
export interface VciOffersTable {
  id: string;
  /** SHA-256 (base64url) of the secret offer reference in credential_offer_uri. */
  ref_hash: string;
  /** SHA-256 (base64url) of the pre-authorized code. */
  code_hash: string;
  /** The issuer client that made the offer; credentials are issued on its behalf. */
  client_id: string;
  type: string;
  format: string;
  configuration_id: string;
  /** Validated claims (JSON) while the offer can still lead to a credential; NULL afterwards. */
  claims: string | null;
  /** SHA-256 (base64url) of offer id + transaction code; NULL when no tx_code is required. */
  tx_code_hash: string | null;
  tx_code_length: number | null;
  /** Token requests that presented a tx_code; at the limit the code is burned. */
  tx_attempts: Generated<number>;
  created_at: number;
  /** Code expiry; after redemption, the access token's expiry. */
  expires_at: number;
  redeemed_at: number | null;
  burned_at: number | null;
  /** When the credentials were issued (the offer is used up). */
  issued_at: number | null;
  /** Every configuration the offer covers (JSON array, migration 0010); NULL = `configuration_id` only. */
  configuration_ids: Generated<string | null>;
  /** 1 when the agency defers issuance until it completes or refuses it (migration 0010). */
  deferred: Generated<number | null>;
}

/** A configuration of an offer that was issued or deferred: at most once each (migration 0010). */
export interface VciOfferIssuancesTable {
  offer_id: string;
  configuration_id: string;
  issued_at: number;
}

/** A deferred issuance transaction (OpenID4VCI §9, migration 0010). */
export interface VciDeferredTable {
  /** Public id the back office completes or refuses it by. */
  id: string;
  /** SHA-256 (base64url) of the transaction_id the wallet holds. */
  transaction_hash: string;
  /** SHA-256 (base64url) of the access token that started it: the one the wallet polls with. */
  token_hash: string;
  offer_id: string;
  client_id: string;
  configuration_id: string;
  /** JSON array of the proven holder public keys (empty for unbound configurations). */
  holder_jwks: string;
  /** Validated claims (JSON) while the credentials can still be issued; NULL afterwards. */
  claims: string | null;
  state: 'pending' | 'completed' | 'refused' | 'collected';
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  collected_at: number | null;
  /** RFC 7638 thumbprint the access token is bound to (RFC 9449 `cnf.jkt`); NULL for a Bearer token. */
  dpop_jkt: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * The transaction's public X25519 key (JWK text) the claims are sealed to (0014,
   * deferred-claims-seal.ts); NULL for rows from before, whose claims are plain JSON.
   */
  claims_key: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A notification_id handed out with credentials (OpenID4VCI §11, migration 0010). */
export interface VciNotificationsTable {
  id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  event: string | null;
  event_at: number | null;
  /** RFC 7638 thumbprint the access token is bound to (RFC 9449 `cnf.jkt`); NULL for a Bearer token. */
  dpop_jkt: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface VciAccessTokensTable {
  /** SHA-256 (base64url) of the access token. */
  token_hash: string;
  offer_id: string;
  created_at: number;
  expires_at: number;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449 §6), or null for a Bearer token. */
  dpop_jkt: ColumnType<string | null, string | null | undefined, string | null>;
  /** `sub` of the wallet attestation the token request carried, or null. */
  wallet_client: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * The offer again, when a grant operation can retire the token (a refresh token's rotation or
   * reuse, a reused authorization code); null for a pre-authorized token without a refresh token.
   * Only named tokens are indexed (0020), and grant operations delete by this column.
   */
  family_offer_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Refresh tokens (RFC 6749 §6; migration 0014): single use, one family per offer. */
export interface VciRefreshTokensTable {
  /** SHA-256 (base64url) of the refresh token. */
  token_hash: string;
  /** The offer (the grant) it refreshes; every token of the offer is one family. */
  offer_id: string;
  /** RFC 9449 §5: the DPoP key it is bound to (public clients), or null. */
  dpop_jkt: ColumnType<string | null, string | null | undefined, string | null>;
  /** `sub` of the wallet attestation it was issued to, or null. */
  wallet_client: ColumnType<string | null, string | null | undefined, string | null>;
  /** RFC 7638 thumbprint of that attestation's `cnf.jwk`: the wallet instance (migration 0017), or null. */
  wallet_instance_jkt: ColumnType<string | null, string | null | undefined, string | null>;
  /** Authorization Code Flow claims sealed under this refresh token (claims-seal.ts), or null. */
  claims: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: number;
  expires_at: number;
  /** When it was exchanged; a second use revokes the family. */
  used_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface VciNoncesTable {
  /** SHA-256 (base64url) of the c_nonce. */
  nonce_hash: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface CounterEngagementsTable {
  /** SHA-256 (base64url) of the handle the wallet shows as a QR. */
  handle_hash: string;
  /** SHA-256 (base64url) of the wait token only the wallet that asked holds. */
  wait_hash: string;
  created_at: number;
  expires_at: number;
  /** The verifier client that redeemed it (null until then). */
  client_id: string | null;
  request_id: string | null;
  /** The openid4vp:// link handed to the waiting wallet. */
  authorization_request: string | null;
  redeemed_at: number | null;
}

/** An X.509 verifier identity: key, certificate chain, state (migration 0006). */
export interface VerifierIdentitiesTable {
  id: string;
  /** 'service' (shared by every verifier client) or the verifier client's id. */
  owner: string;
  state: 'pending' | 'active' | 'retiring' | 'retired';
  alg: string;
  public_jwk: string;
  /** Where the key backend holds the private key (encrypted file name or pkcs11 reference). */
  key_file: string;
  /** The DNS name the leaf certificate's SAN carries (x509_san_dns). */
  dns_name: string;
  /** JSON array of base64 DER certificates, leaf first; null while a CSR awaits its chain. */
  chain: string | null;
  /** base64url SHA-256 of the leaf DER (x509_hash). */
  x509_hash: string | null;
  not_after: number | null;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
}

/** The response mode of an OpenID4VP request other than plain direct_post, and its ephemeral encryption key (migration 0007). */
export interface VerifierResponseKeysTable {
  request_id: string;
  /** `direct_post.jwt`, `dc_api` or `dc_api.jwt` (the .jwt ones encrypted to this row's key). */
  response_mode: string;
  kid: string | null;
  /** The public JWK (JSON) put in the request object's client_metadata.jwks. */
  public_jwk: string | null;
  /** The private scalar sealed with AES-256-GCM (see keys/seal-private-key.ts). */
  sealed_key: string | null;
  /** DC API modes: the origin the answer must be bound to. */
  origin: string | null;
  expires_at: number;
}

/** A pushed authorization request of the Authorization Code Flow and its progress (migration 0009). */
export interface AuthorizationRequestsTable {
  id: string;
  /** SHA-256 (base64url) of the request_uri's secret part. */
  request_uri_hash: string;
  client_id: string;
  redirect_uri: string;
  /** PKCE S256 code_challenge (RFC 7636 §4.2). */
  code_challenge: string;
  state: string | null;
  configuration_id: string;
  /** The authorization_details the wallet sent (JSON), echoed in the token response. */
  authorization_details: string | null;
  scope: string | null;
  /** The credential offer the request's issuer_state named. */
  offer_id: string | null;
  issuer_client_id: string;
  /** SHA-256 (base64url) of the state sent to the identity provider. */
  idp_state_hash: string | null;
  code_offer_id: string | null;
  created_at: number;
  expires_at: number;
  started_at: number | null;
  completed_at: number | null;
  /** `code` (authorization code sent), `access_denied`, or another OAuth error sent to the wallet. */
  outcome: string | null;
  /** RFC 9449 §10: the DPoP key (RFC 7638 thumbprint) the code is bound to, from PAR (migration 0018). */
  dpop_jkt: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Random secrets shared by the nodes of a deployment (migration 0016, keys/service-secret.ts). */
export interface ServiceSecretsTable {
  name: string;
  /** base64url of 32 random bytes. */
  secret: string;
  created_at: number;
}

/** A key wallets encrypt credential requests to (migration 0015). */
export interface VciRequestKeysTable {
  kid: string;
  /** `active` or `previous` (rotated out, listed and accepted until the grace period ends). */
  state: 'active' | 'previous';
  /** The public JWK (JSON) listed in `credential_request_encryption.jwks`. */
  public_jwk: string;
  /** The private scalar sealed with AES-256-GCM (keys/seal-private-key.ts). */
  sealed_key: string;
  created_at: number;
  superseded_at: number | null;
}

export interface Database {
  authorization_requests: AuthorizationRequestsTable;
  signing_keys: SigningKeysTable;
  api_clients: ApiClientsTable;
  audit_events: AuditEventsTable;
  status_lists: StatusListsTable;
  credentials: CredentialsTable;
  verifier_requests: VerifierRequestsTable;
  verification_receipts: VerificationReceiptsTable;
  consumed_nonces: ConsumedNoncesTable;
  vci_offers: VciOffersTable;
  vci_access_tokens: VciAccessTokensTable;
  vci_refresh_tokens: VciRefreshTokensTable;
  vci_nonces: VciNoncesTable;
  vci_offer_issuances: VciOfferIssuancesTable;
  vci_deferred: VciDeferredTable;
  vci_notifications: VciNotificationsTable;
  counter_engagements: CounterEngagementsTable;
  verifier_identities: VerifierIdentitiesTable;
  verifier_response_keys: VerifierResponseKeysTable;
  vci_request_keys: VciRequestKeysTable;
  service_secrets: ServiceSecretsTable;
}
