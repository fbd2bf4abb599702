/**
 * The one place that reads the environment. `loadConfig(process.env)` is called once by the
 * server and the CLI; everything else receives the typed `Config`. Every variable is listed in
 * CONFIG_VARIABLES with its default, and the README table is checked against that list by a test.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { parseOutboundAllowList, type OutboundAllowList } from './http-client/outbound-allow-list.js';
import type { TrustedIssuer } from './verification/issuer-type-authority.js';
import type { TrustedIaca } from './verification/iaca-anchors.js';
import { oneCountryName } from './formats/x509/read-country-name.js';
import type { TrustedIssuerCa } from './verification/issuer-ca-anchors.js';
import { DEFAULT_LOCK_TIMEOUT_MS, LOCK_TIMEOUT_RANGE_MS } from './store/lock-timeout.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** PEM certificate chain and private key when the service serves HTTPS itself (TLS_CERT / TLS_KEY). */
  tls: { cert: string; key: string } | undefined;
  /** Public base URL without trailing slash: the issuer identifier and the base of every link. */
  publicUrl: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; unset selects the embedded SQLite store under dataDir. */
  databaseUrl: string | undefined;
  /** STORE_LOCK_TIMEOUT_MS: how long a statement waits for another connection's lock before 503. */
  storeLockTimeoutMs: number;
  keysDir: string;
  logLevel: LogLevel;
  /** Largest request body accepted, in bytes: the routes that carry credentials or portraits. */
  bodyLimit: number;
  /** Largest body of every other route (OAuth, OpenID4VCI, verifier requests, admin), at most bodyLimit. */
  smallBodyLimit: number;
  /** Longest a request may take to arrive, headers and body (Node's requestTimeout), in ms. */
  requestTimeoutMs: number;
  /** Passphrase that encrypts private keys at rest; unset in development → generated into keysDir. */
  keyPassphrase: string | undefined;
  /** Signing algorithm for newly generated keys. */
  keyAlg: 'ES256' | 'EdDSA';
  /** Where private keys live: encrypted files in keysDir, or a PKCS#11 module (HSM). */
  keyBackend: 'file' | 'pkcs11';
  /** Set when keyBackend is `pkcs11`. */
  pkcs11: Pkcs11Config | undefined;
  /** How often a running node re-reads key metadata from the store, in ms. */
  keyRefreshMs: number;
  /**
   * Seconds the JWKS (and the verifier's DID document) may be cached (`Cache-Control: max-age`).
   * A rotated key signs only after KEY_REFRESH_MS + this + 1 s, so a verifier holding a copy
   * fetched just before the new key was published has let it go by then.
   */
  jwksMaxAgeS: number;
  /** Requests per minute per API client unless the client has its own limit; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** Anonymous (wallet-facing) requests per minute per client address: a flood ceiling; 0 = unlimited. */
  rateLimitPerAddressPerMinute: number;
  /** Anonymous requests per minute per offer, code, access token, OpenID4VP request or history token; 0 = unlimited. */
  rateLimitPerReferencePerMinute: number;
  /** `production` refuses development conveniences (generated passphrase). */
  nodeEnv: string;
  /** Entries per Token Status List (2 bits each). */
  statusListSize: number;
  /** `ttl` of status list tokens: how long verifiers may cache them, in seconds. */
  statusTtlSeconds: number;
  /** Lifetime (`exp - iat`) of a signed status list token, in seconds. */
  statusTokenValiditySeconds: number;
  /** OpenID4VCI: how long a credential offer (its pre-authorized code) can be redeemed, seconds. */
  offerTtlSeconds: number;
  /** OpenID4VCI: lifetime of an access token from the token endpoint, seconds. */
  accessTokenTtlSeconds: number;
  /** RFC 6749 §6: lifetime of a refresh token issued with each access token, seconds; 0 issues none. */
  refreshTokenTtlSeconds: number;
  /** OpenID4VCI: lifetime of a c_nonce, and the oldest proof `iat` accepted, seconds. */
  cNonceTtlSeconds: number;
  /** OpenID4VCI §9: how long a deferred issuance can wait for the agency and the wallet, seconds. */
  deferredTtlSeconds: number;
  /** OpenID4VCI §9: the `interval` a wallet is asked to wait between polls, seconds. */
  deferredIntervalSeconds: number;
  /** Credential configurations always issued deferred (the agency completes each one). */
  deferredConfigurations: readonly string[];
  /** OpenID4VCI: most proofs (credentials) in one credential request. */
  batchSize: number;
  /** External issuers whose credentials verify here, each with the types (`vct`s) it may issue. */
  trustedIssuers: TrustedIssuer[];
  /** IACA certificates (mdoc trust anchors) besides this service's own, each with the doctypes it may speak for. */
  trustedIacaCerts: TrustedIaca[];
  /** CA certificates (PEM) the web wallet page trusts for X.509 verifier identities (GET /v1/wallet/trust-anchors). */
  walletTrustAnchors: string[];
  /** TRUSTED_ISSUER_CAS: CA certificates whose x5c-signed SD-JWT VCs (and status lists) verify here. */
  trustedIssuerCas: TrustedIssuerCa[];
  /** Tolerated clock difference with issuers and holders when checking iat / nbf / exp, seconds. */
  verificationSkewSeconds: number;
  /** Oldest KB-JWT `iat` accepted, seconds (counter QR and OpenID4VP). */
  kbJwtMaxAgeSeconds: number;
  /** How long a counter nonce (`POST /v1/verifier/counter-nonces`) can be presented over, seconds. */
  counterNonceTtlSeconds: number;
  /** How long an OpenID4VP request can be answered, seconds. */
  verifierRequestTtlSeconds: number;
  /** How long a holder-shown engagement handle can be scanned at a counter, seconds (60–120). */
  engagementTtlSeconds: number;
  /** Longest a wallet's long-poll for its engagement's request is held open, seconds. */
  engagementWaitSeconds: number;
  /** How long a verification result (with claim values) is kept for its verifier, seconds. */
  verifierResultRetentionSeconds: number;
  /** How often each node purges expired offer claims, tokens, nonces and verifier results, ms. */
  purgeIntervalMs: number;
  /** redis://… shares rate-limit counters between nodes; unset = each node counts in memory. */
  redisUrl: string | undefined;
  /** TRUST_PROXY: addresses and CIDR ranges whose X-Forwarded-For is believed (empty: none). */
  trustProxy: string[];
  /** Server processes on this node (node:cluster, one port); 1 = no cluster. `auto` = one per core. */
  workers: number;
  /** Bearer token GET /metrics requires; unset = /metrics answers without one. */
  metricsToken: string | undefined;
  /** Host names, IPs and CIDR ranges of internal webhook receivers (exempt from the internal-address refusal). */
  webhookAllowHosts: string[];
  /** OpenID4VCI configurations whose tokens must be DPoP-bound (RFC 9449): every one, none, or a list. */
  dpopRequired: ConfigurationPolicy;
  /** How long a server-provided DPoP nonce is accepted, seconds; also the oldest DPoP proof `iat`. */
  dpopNonceTtlSeconds: number;
  /** Path of the JSON file naming the wallet providers whose attestations are trusted; unset = none. */
  trustedWalletProviders: string | undefined;
  /** Path of the JSON file of registered wallet clients and their redirect URIs (RFC 6749 §3.1.2.2); unset = none. */
  walletClients: string | undefined;
  /** Configurations whose token requests must carry a wallet attestation (attest_jwt_client_auth). */
  walletAttestationRequired: ConfigurationPolicy;
  /** Configurations whose key proofs must carry a key attestation (OpenID4VCI Appendix D). */
  keyAttestationRequired: ConfigurationPolicy;
  /** The Authorization Code Flow (OpenID4VCI §3.4): set when OIDC_ISSUER is. */
  authorizationCode: AuthorizationCodeConfig | undefined;
  /** OpenID4VCI §12.2.4 `credential_request_encryption.encryption_required`: plain JSON credential requests are refused. */
  requestEncryptionRequired: boolean;
  /** How long a rotated-out request encryption key stays listed and accepted, seconds. */
  requestKeyGraceSeconds: number;
}

/** The identity provider citizens log in at, and the claims source that answers for them. */
export interface AuthorizationCodeConfig {
  /** OpenID Connect issuer of the identity provider (discovery at its /.well-known/openid-configuration). */
  oidcIssuer: string;
  oidcClientId: string;
  oidcClientSecret: string;
  /** Scopes asked of the identity provider (`openid` at least). */
  oidcScope: string;
  /** The agency back office's HTTPS endpoint that answers a signed claims request. */
  claimsSourceUrl: string;
  /** Shared secret (HS256) the claims source signs its answers with. */
  claimsSourceSecret: string;
  /** Issuer API client (id or name) on whose behalf wallet-initiated credentials are issued. */
  issuerClient: string;
  /** Internal hosts (names, addresses, CIDR ranges) the identity provider and claims source may be at. */
  allowHosts: string[];
}

/** `true` (every credential configuration), `false` (none) or the listed configuration ids. */
export type ConfigurationPolicy = boolean | readonly string[];

export interface Pkcs11Config {
  /** Path of the module's shared library (for example /usr/lib/softhsm/libsofthsm2.so). */
  module: string;
  /** The token is found by label, or else by slot id. */
  tokenLabel: string | undefined;
  slot: number | undefined;
  /** User PIN; never logged. */
  pin: string;
  /** Sessions kept open (signatures run in parallel up to this). */
  sessions: number;
  /** Longest a module call may take before the module counts as unavailable, in ms. */
  timeoutMs: number;
}

interface VariableSpec {
  name: string;
  default: string;
  description: string;
}

/** Every environment variable the service reads, with its default. The README documents these. */
export const CONFIG_VARIABLES: readonly VariableSpec[] = [
  { name: 'PORT', default: '3000', description: 'TCP port the HTTP server listens on.' },
  { name: 'HOST', default: '127.0.0.1', description: 'Interface to bind; `0.0.0.0` in containers.' },
  {
    name: 'TLS_CERT',
    default: '(unset: plain HTTP)',
    description:
      'Path of a PEM certificate (chain) to serve HTTPS directly, with `TLS_KEY`: for trying the web wallet on a phone, which needs a secure context (see *Web pages*). Behind a TLS-terminating proxy leave it unset.',
  },
  { name: 'TLS_KEY', default: '(unset)', description: 'Path of the PEM private key of `TLS_CERT`; both or neither.' },
  {
    name: 'PUBLIC_URL',
    default: 'http://localhost:$PORT (https with TLS_CERT)',
    description: 'Public base URL (issuer identifier, links in offers, status list URIs). No trailing slash.',
  },
  { name: 'DATA_DIR', default: './data', description: 'Folder of the embedded SQLite store (`digital-proof.db`).' },
  {
    name: 'DATABASE_URL',
    default: '(unset)',
    description: '`postgres://user@host:port/db` selects PostgreSQL instead of the embedded store.',
  },
  {
    name: 'STORE_LOCK_TIMEOUT_MS',
    default: String(DEFAULT_LOCK_TIMEOUT_MS),
    description: `Longest a request waits for a lock another connection holds (SQLite \`busy_timeout\`, PostgreSQL \`lock_timeout\`: a migration, an operator's transaction, another node's write) before it answers 503 \`store_unavailable\` with Retry-After; ${LOCK_TIMEOUT_RANGE_MS.min}–${LOCK_TIMEOUT_RANGE_MS.max}.`,
  },
  { name: 'KEYS_DIR', default: './keys', description: 'Folder of the encrypted signing key files.' },
  {
    name: 'DPROOF_KEY_PASSPHRASE',
    default: '(unset: generated into `KEYS_DIR/.passphrase` outside production)',
    description: 'Passphrase that encrypts private keys at rest. Required when `NODE_ENV=production`.',
  },
  {
    name: 'KEY_ALG',
    default: 'ES256',
    description: 'Algorithm of keys made on first run and by `keys rotate` without `--alg` (`ES256` or `EdDSA`).',
  },
  {
    name: 'KEY_BACKEND',
    default: 'file',
    description:
      'Where private signing keys live: `file` (encrypted files in `KEYS_DIR`) or `pkcs11` (a hardware security module; see *Keys in an HSM*).',
  },
  {
    name: 'PKCS11_MODULE',
    default: '(unset)',
    description: 'With `KEY_BACKEND=pkcs11`: path of the PKCS#11 library (SoftHSM: `/usr/lib/softhsm/libsofthsm2.so`).',
  },
  {
    name: 'PKCS11_TOKEN_LABEL',
    default: '(unset)',
    description: 'With `KEY_BACKEND=pkcs11`: label of the token holding the keys (or set `PKCS11_SLOT`).',
  },
  {
    name: 'PKCS11_SLOT',
    default: '(unset)',
    description: 'With `KEY_BACKEND=pkcs11`: slot id of the token, when it is not found by `PKCS11_TOKEN_LABEL`.',
  },
  {
    name: 'DPROOF_PKCS11_PIN',
    default: '(unset)',
    description: "With `KEY_BACKEND=pkcs11`: the token's user PIN, from a secret store. Never logged.",
  },
  {
    name: 'PKCS11_SESSIONS',
    default: '4',
    description:
      'PKCS#11 sessions the module thread keeps open and logged in (one that the module drops is replaced); calls into the module run one at a time in that thread.',
  },
  {
    name: 'PKCS11_TIMEOUT_MS',
    default: '5000',
    description:
      'Longest any call into the module (connect, login, find, sign, key generation, the `/readyz` probe) may take; past it the module counts as unavailable (503 `signer_unavailable`) until it answers again.',
  },
  {
    name: 'KEY_REFRESH_MS',
    default: '2000',
    description: 'How often a node re-reads key states from the store (rotation reaches running nodes within this).',
  },
  {
    name: 'JWKS_MAX_AGE',
    default: '60',
    description:
      'Seconds verifiers may cache `/.well-known/jwks.json` (`Cache-Control: max-age`), 0–3600. After `dproof keys rotate` nodes publish the new key at once but sign with it only `KEY_REFRESH_MS` + `JWKS_MAX_AGE` + 1 s later, so a verifier that cached the JWKS just before has fetched it again by then. Every node and the CLI need the same value.',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    default: '600',
    description: 'Requests per minute per API client without its own limit; `0` = unlimited.',
  },
  {
    name: 'BODY_LIMIT',
    default: '1048576',
    description:
      'Largest request body in bytes, on the routes that carry credentials or portraits (`POST /v1/credentials`, `/v1/offers`, `/v1/verifier/verify`; `/openid4vp/response` takes at most 384 kB of it); larger bodies get 413.',
  },
  {
    name: 'SMALL_BODY_LIMIT',
    default: '65536',
    description:
      'Largest request body in bytes on every other route (OAuth and OpenID4VCI endpoints, verifier requests, admin); at most `BODY_LIMIT`. The credential endpoint allows at least 4 kB per proof of `BATCH_SIZE`.',
  },
  {
    name: 'REQUEST_TIMEOUT_MS',
    default: '60000',
    description:
      "Longest a request may take to arrive, headers and body (Node's `requestTimeout`; headers alone at most 60 s of it); past it the answer is 408 `request_timeout` and the connection is closed, so a body that never finishes cannot hold a socket. 1000–600000.",
  },
  {
    name: 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE',
    default: '6000',
    description:
      'Anonymous wallet-facing requests (offer, token, nonce, credential, request object, direct_post, history) per minute per client address: a flood ceiling, high because thousands of phones can share one carrier address; `0` = unlimited.',
  },
  {
    name: 'RATE_LIMIT_PER_REFERENCE_PER_MINUTE',
    default: '30',
    description:
      'Anonymous requests per minute per thing the request carries: offer reference, pre-authorized code, access token, OpenID4VP request id or state, history token; `0` = unlimited.',
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  {
    name: 'STATUS_LIST_SIZE',
    default: '131072',
    description: 'Entries per Token Status List (at least 131072, a multiple of 4): the crowd each credential hides in.',
  },
  {
    name: 'STATUS_TTL_SECONDS',
    default: '60',
    description:
      '`ttl` of status list tokens: how long verifiers may cache one; a status change shows within it. At most half of STATUS_TOKEN_VALIDITY_SECONDS.',
  },
  {
    name: 'STATUS_TOKEN_VALIDITY_SECONDS',
    default: '86400',
    description: 'Lifetime of a signed status list token (`exp - iat`); tokens are re-signed at half of it.',
  },
  {
    name: 'TRUSTED_ISSUERS',
    default: '(unset: only this service)',
    description:
      "Comma-separated issuer identifiers (URLs) of other SD-JWT VC issuers to trust; their keys come from `<issuer>/.well-known/jwt-vc-issuer`. Each may name the types it may issue after `|`: `https://a.example|https://a.example/vct/|urn:x:pid:1` (a value ending in `/` is a prefix, any other one exact `vct`); with none, only the types under its own identifier (`<issuer>/…`). No other issuer may issue this service's own types (under `PUBLIC_URL`).",
  },
  {
    name: 'TRUSTED_IACA_CERTS',
    default: "(unset: only this service's own IACA)",
    description:
      'Comma-separated paths of PEM files holding IACA root certificates (ISO/IEC 18013-5 issuing authorities) whose mdocs verify here; each may name the doctypes it may issue after `|`: `/etc/dproof/iaca-kr.pem|org.iso.18013.5.1.mDL|kr.go.mois.resident_id.1` (with none, only `org.iso.18013.5.1.mDL`). Every certificate must be a CA naming exactly one country (C, which its document signers must name too); read once at start.',
  },
  {
    name: 'TRUSTED_ISSUER_CAS',
    default: "(unset: only this service's own issuer CA)",
    description:
      "Comma-separated paths of PEM files holding issuer CA certificates whose `x5c`-signed SD-JWT VCs and status list tokens verify here (HAIP 1.0 §6.1.1): the chain must lead to one, the leaf must state digitalSignature and name the credential's `iss` as a URI subjectAltName. Each may name the types its issuers may issue after `|` (`/etc/dproof/ca.pem|https://a.example/vct/|urn:x:pid:1`, a value ending in `/` a prefix); with none, only the types under the issuer's own identifier (`<iss>/…`). None may certify this service's `PUBLIC_URL` or issue its types. Every certificate must be a CA; read once at start.",
  },
  {
    name: 'WALLET_TRUST_ANCHORS',
    default: "(unset: in development, this service's own verifier roots only)",
    description:
      "Comma-separated paths of PEM files holding the CA certificates this service's web wallet page trusts for verifiers that identify themselves by X.509 (`x509_san_dns`, `x509_hash`); published at `GET /v1/wallet/trust-anchors`. Every certificate must be a CA; read once at start. Outside `NODE_ENV=production` the roots of this service's own development verifier certificates are published too.",
  },
  {
    name: 'VERIFICATION_SKEW_SECONDS',
    default: '60',
    description: 'Clock difference tolerated when checking `iat`, `nbf` and `exp` of credentials and KB-JWTs.',
  },
  {
    name: 'KB_JWT_MAX_AGE_SECONDS',
    default: '120',
    description: 'Oldest key-binding JWT (`iat`) a verifier accepts; a counter QR is good for this long.',
  },
  {
    name: 'COUNTER_NONCE_TTL_SECONDS',
    default: '300',
    description:
      'How long a counter nonce from `POST /v1/verifier/counter-nonces` can be presented over; it is accepted once, by the verifier client it was issued to.',
  },
  {
    name: 'VERIFIER_REQUEST_TTL_SECONDS',
    default: '300',
    description: 'How long a wallet can answer an OpenID4VP request (`/v1/verifier/requests`).',
  },
  {
    name: 'VERIFIER_RESULT_RETENTION_SECONDS',
    default: '600',
    description: 'How long a verification result is kept for the verifier that asked; then it is purged (receipts keep no claim values).',
  },
  {
    name: 'PURGE_INTERVAL_MS',
    default: '60000',
    description:
      'How often each node deletes what has expired: claims of unused offers, codes, tokens, nonces, verification results past their retention. Harmless to run on every node.',
  },
  {
    name: 'OFFER_TTL_SECONDS',
    default: '600',
    description:
      'How long an OpenID4VCI credential offer (its pre-authorized code) can be redeemed; unused offers and their claims are dropped after it.',
  },
  {
    name: 'ACCESS_TOKEN_TTL_SECONDS',
    default: '300',
    description: 'Lifetime of an OpenID4VCI access token: the wallet must ask for its credentials within it.',
  },
  {
    name: 'REFRESH_TOKEN_TTL_SECONDS',
    default: '0',
    description:
      'Lifetime of the refresh token issued with every OpenID4VCI access token (RFC 6749 §6, HAIP: recommended); `0` issues none. Single use: each refresh returns a new pair, and a refresh token used twice revokes every token of its grant. DPoP-bound when the access token was.',
  },
  {
    name: 'DEFERRED_TTL_SECONDS',
    default: '604800',
    description:
      'How long a deferred issuance (OpenID4VCI §9) waits for the agency to complete or refuse it and for the wallet to collect it; its claims are dropped after it. The access token that started it stays valid at the deferred endpoint this long.',
  },
  {
    name: 'DEFERRED_INTERVAL_SECONDS',
    default: '60',
    description: 'The `interval` a deferred credential response asks the wallet to wait between polls.',
  },
  {
    name: 'DEFERRED_CONFIGURATIONS',
    default: '(unset: none)',
    description:
      'Comma-separated credential configuration ids always issued deferred (the agency completes each through `POST /v1/deferred/{id}/complete`); an offer can also ask for it with `"deferred": true`.',
  },
  {
    name: 'C_NONCE_TTL_SECONDS',
    default: '300',
    description: 'Lifetime of a `c_nonce` from the nonce endpoint, and the oldest proof `iat` the credential endpoint accepts.',
  },
  {
    name: 'BATCH_SIZE',
    default: '10',
    description: 'Most key proofs, hence credentials, in one OpenID4VCI credential request (`batch_credential_issuance.batch_size`).',
  },
  {
    name: 'TRUST_PROXY',
    default: '(unset: the connecting address)',
    description:
      'Comma-separated addresses or CIDR ranges of the proxies and load balancers in front of the service (`10.0.3.7,10.0.3.8`): list the balancers themselves, not a whole internal range, since any host in it could write the header. For a request that comes from one of them, the client address is read from `X-Forwarded-For` (the nearest address not in the list), so the per-address limits and bounds count phones, not the balancer. Unset: the connecting address, and `X-Forwarded-For` is ignored (any client can write it; the first request that carries one logs a warning).',
  },
  {
    name: 'REDIS_URL',
    default: '(unset: each node counts in memory)',
    description:
      '`redis://host:port` keeps the rate-limit counters (per client, per address, per offer/token/request) in Redis, shared by every node. If Redis is down, requests are let through (fail-open) and a warning is logged.',
  },
  {
    name: 'WORKERS',
    default: '1',
    description:
      'Server processes on this node, all on one port (node:cluster): a whole number 1–64, or `auto` for one per core. They share the store (SQLite: one file, each write transaction takes its lock in turn; PostgreSQL: the pool is per process) and, with `REDIS_URL`, the rate-limit counters; without it each process counts its own. See *Performance*, "Every core".',
  },
  {
    name: 'METRICS_TOKEN',
    default: '(unset: `/metrics` is open)',
    description:
      'Bearer token `GET /metrics` requires (`Authorization: Bearer …`); at least 16 characters. Unset, the endpoint answers anyone who can reach it.',
  },
  {
    name: 'WEBHOOK_ALLOW_HOSTS',
    default: '(unset: none)',
    description:
      'Comma-separated host names, IP addresses and CIDR ranges (`hooks.internal,10.1.0.0/16`) that OpenID4VP `webhook_url`s may reach although they are loopback, private, link-local or unique-local. Plain `http` webhooks go only to these, and not with `NODE_ENV=production`.',
  },
  {
    name: 'DPOP_REQUIRED',
    default: 'false',
    description:
      '`true`: every OpenID4VCI access token must be DPoP-bound (RFC 9449; HAIP requires it); a comma-separated list of credential configuration ids requires it for those only; `false` accepts plain Bearer tokens too. A DPoP proof sent to the token endpoint or PAR is always checked; at the credential, deferred credential and notification endpoints the binding of the token decides (a DPoP-bound token needs the DPoP scheme and a proof; an unbound token sent as Bearer is not DPoP, and a `DPoP` header beside it is not read).',
  },
  {
    name: 'DPOP_NONCE_TTL_SECONDS',
    default: '300',
    description: 'How long a server-provided `DPoP-Nonce` is accepted (60–3600), and the oldest DPoP proof `iat`.',
  },
  {
    name: 'TRUSTED_WALLET_PROVIDERS',
    default: '(unset: none)',
    description:
      'Path of a JSON file naming the wallet providers whose wallet and key attestations are trusted: `{"providers":[{"name":"…","keys":[<public JWK>…],"certificates":["<PEM CA certificate>"]}]}` (see *Issuing to a wallet*, wallet attestation).',
  },
  {
    name: 'WALLET_CLIENTS',
    default: '(unset: none)',
    description:
      'Path of a JSON file registering wallets (public OAuth clients) and their redirect URIs for the Authorization Code Flow: `{"clients":[{"client_id":"…","redirect_uris":["https://…","app.scheme:/cb"]}]}`. A registered client\'s `redirect_uri` must be one of its own, exactly; an unregistered one needs a wallet attestation, and outside `NODE_ENV=production` is let through without one (RFC 6749 §3.1.2.2, RFC 9126 §2.4).',
  },
  {
    name: 'WALLET_ATTESTATION_REQUIRED',
    default: 'false',
    description:
      '`true`, `false` or a comma-separated list of credential configuration ids: token requests for those must carry a wallet attestation (`OAuth-Client-Attestation` and `-PoP`) from a trusted provider.',
  },
  {
    name: 'KEY_ATTESTATION_REQUIRED',
    default: 'false',
    description:
      '`true`, `false` or a comma-separated list of credential configuration ids: their key proofs must carry a `key_attestation` from a trusted provider naming the proof key (`key_attestations_required` in the metadata).',
  },
  {
    name: 'CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED',
    default: 'false',
    description:
      '`true`: the credential and deferred credential endpoints take only encrypted requests (a JWE, `application/jwt`, to a key of `credential_request_encryption.jwks`; `encryption_required: true` in the metadata); `false`: encrypted requests are offered and accepted, plain JSON too unless it asks for an encrypted response.',
  },
  {
    name: 'CREDENTIAL_REQUEST_KEY_GRACE_SECONDS',
    default: '86400',
    description:
      'After `dproof keys rotate-request-key`, how long the previous request encryption key stays in the metadata and still decrypts (300–2592000; longer than wallets cache the metadata).',
  },
  {
    name: 'OIDC_ISSUER',
    default: '(unset: no authorization code flow)',
    description:
      'OpenID Connect issuer of the identity provider citizens log in at for wallet-initiated issuance (Authorization Code Flow, see *Issuing to a wallet*). Setting it turns the flow on; the `OIDC_*` and `CLAIMS_SOURCE_*` variables below are then required.',
  },
  { name: 'OIDC_CLIENT_ID', default: '(unset)', description: "This service's client id at the identity provider." },
  {
    name: 'OIDC_CLIENT_SECRET',
    default: '(unset)',
    description: 'Its client secret (`client_secret_basic`), from a secret store. Never logged.',
  },
  { name: 'OIDC_SCOPE', default: 'openid', description: 'Scopes asked of the identity provider (must include `openid`).' },
  {
    name: 'CLAIMS_SOURCE_URL',
    default: '(unset)',
    description:
      'The agency back office endpoint that answers, for a logged-in subject and a credential configuration, with the claims (a signed `dproof-claims-request+jwt` in, a `dproof-claims-response+jwt` out). `https`, or `http` to a host of `AUTHORIZATION_ALLOW_HOSTS` outside production.',
  },
  {
    name: 'CLAIMS_SOURCE_SECRET',
    default: '(unset)',
    description: 'Shared secret (at least 32 characters) the claims source signs its answers with (HS256). Never logged.',
  },
  {
    name: 'CLAIMS_SOURCE_CLIENT',
    default: '(unset)',
    description:
      'Id or name of the issuer API client on whose behalf credentials of wallet-initiated issuance are issued (an offer with `issuer_state` uses its own client).',
  },
  {
    name: 'AUTHORIZATION_ALLOW_HOSTS',
    default: '(unset: none)',
    description:
      'Comma-separated host names, IP addresses and CIDR ranges the identity provider and the claims source may be at although they are loopback or private (as `WEBHOOK_ALLOW_HOSTS`).',
  },
  { name: 'NODE_ENV', default: 'development', description: '`production` turns off development conveniences.' },
];

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A comma-separated variable: its entries, trimmed, empty ones dropped. */
function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Host names, IPs and CIDR ranges exempt from the internal-address refusal (WEBHOOK_ / AUTHORIZATION_ALLOW_HOSTS). */
function allowHosts(env: Env, name: string): { entries: string[]; allow: OutboundAllowList } {
  const entries = list(env, name);
  try {
    return { entries, allow: parseOutboundAllowList(entries) };
  } catch (e) {
    throw new ConfigError(name, (e as Error).message);
  }
}

/** Credential configuration ids, comma-separated; `expected` says what the variable holds when one is malformed. */
function configurationIds(env: Env, name: string, expected: string): string[] {
  const ids = list(env, name);
  for (const id of ids) {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) throw new ConfigError(name, `must be ${expected}, got "${id}"`);
  }
  return ids;
}

/** TRUST_PROXY: IPv4/IPv6 addresses or CIDR ranges (what proxy-addr, under Fastify's trustProxy, takes). */
function trustProxy(env: Env): string[] {
  return list(env, 'TRUST_PROXY').map((entry) => {
    const [address, prefix, extra] = entry.split('/');
    const version = isIP(address ?? '');
    const maxPrefix = version === 4 ? 32 : 128;
    if (version === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix)))
      throw new ConfigError('TRUST_PROXY', `each entry is an IP address or a CIDR range (10.0.0.0/8), got "${entry}"`);
    return entry;
  });
}

/** WORKERS: a whole number of server processes, or `auto` (one per core the machine offers). */
function workers(env: Env): number {
  if (env.WORKERS?.trim() === 'auto') return Math.min(64, availableParallelism());
  return integer(env, 'WORKERS', 1, 1, 64);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function url(name: string, raw: string, protocols: readonly string[]): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`);
  }
  return raw;
}

/** `iss[|type…],…`: see CONFIG_VARIABLES and src/verification/issuer-type-authority.ts. */
function trustedIssuers(env: Env, publicUrl: string): TrustedIssuer[] {
  const entries = list(env, 'TRUSTED_ISSUERS');
  if (entries.length === 0) return [];
  const own = `${publicUrl.replace(/\/+$/, '')}/`;
  const byIssuer = new Map<string, TrustedIssuer>();
  for (const entry of entries) {
    const [first = '', ...rest] = entry.split('|').map((s) => s.trim());
    const u = url('TRUSTED_ISSUERS', first, ['http:', 'https:']);
    if (new URL(u).search || new URL(u).hash)
      throw new ConfigError('TRUSTED_ISSUERS', `an issuer identifier has no query or fragment, got "${first}"`);
    const issuer = u.replace(/\/+$/, '');
    const types = rest.filter((t) => t !== '');
    // This service's own types are issued by this service only (SD-JWT VC: the issuer's authority for the vct).
    for (const t of types) {
      if (t.startsWith(own) || (t.endsWith('/') && own.startsWith(t)))
        throw new ConfigError(
          'TRUSTED_ISSUERS',
          `${issuer} cannot be authorised for this service's own types ("${t}" is under PUBLIC_URL)`,
        );
    }
    const prev = byIssuer.get(issuer);
    byIssuer.set(issuer, { issuer, types: [...new Set([...(prev?.types ?? []), ...types])] });
  }
  return [...byIssuer.values()];
}

function pkcs11Config(env: Env): Pkcs11Config {
  const module = env.PKCS11_MODULE?.trim() ?? '';
  if (module === '') throw new ConfigError('PKCS11_MODULE', 'is required when KEY_BACKEND=pkcs11 (path of the PKCS#11 library)');
  const tokenLabel = env.PKCS11_TOKEN_LABEL?.trim() || undefined;
  const slotRaw = env.PKCS11_SLOT?.trim() ?? '';
  const slot = slotRaw === '' ? undefined : integer(env, 'PKCS11_SLOT', 0, 0, Number.MAX_SAFE_INTEGER);
  if (tokenLabel === undefined && slot === undefined) {
    throw new ConfigError('PKCS11_TOKEN_LABEL', 'or PKCS11_SLOT is required when KEY_BACKEND=pkcs11');
  }
  const pin = env.DPROOF_PKCS11_PIN ?? '';
  if (pin === '') throw new ConfigError('DPROOF_PKCS11_PIN', "is required when KEY_BACKEND=pkcs11 (the token's user PIN)");
  return {
    module,
    tokenLabel,
    slot,
    pin,
    sessions: integer(env, 'PKCS11_SESSIONS', 4, 1, 64),
    timeoutMs: integer(env, 'PKCS11_TIMEOUT_MS', 5000, 100, 120_000),
  };
}

/** A file a variable names (relative to the working folder), as text; unreadable is that variable's error. */
function readConfigFile(name: string, cwd: string, path: string): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (e) {
    throw new ConfigError(name, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/** `path|name|name,…`: PEM files of CA certificates, each with the names (doctypes, types) it may speak for. */
function trustedCaCertificates(env: Env, cwd: string, variable: string, what: string): { pem: string; names: string[] }[] {
  return list(env, variable).flatMap((entry) => {
    const [path, ...names] = entry.split('|').map((s) => s.trim());
    if (!path || names.some((d) => d === '' || d.length > 200))
      throw new ConfigError(variable, `an entry is a PEM file path, then ${what} after |, got "${entry}"`);
    const text = readConfigFile(variable, cwd, path);
    const pems = text.match(PEM_CERT) ?? [];
    if (pems.length === 0) throw new ConfigError(variable, `${path} holds no PEM certificate`);
    return pems.map((pem) => {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem);
      } catch {
        throw new ConfigError(variable, `${path} holds a certificate that cannot be read`);
      }
      if (!cert.ca) throw new ConfigError(variable, `${path} holds a certificate that is not a CA (${cert.subject.replace(/\n/g, ', ')})`);
      return { pem, names };
    });
  });
}

/**
 * ISO/IEC 18013-5 Annex B.1.2: an IACA names exactly one country (C); its document signers must
 * name the same (B.1.4), so one naming none or two would vouch for no mdoc. Refused at start.
 */
const trustedIacaCerts = (env: Env, cwd: string): TrustedIaca[] =>
  trustedCaCertificates(env, cwd, 'TRUSTED_IACA_CERTS', 'doctypes').map(({ pem, names }) => {
    const cert = new X509Certificate(pem);
    if (oneCountryName(cert) === undefined)
      throw new ConfigError(
        'TRUSTED_IACA_CERTS',
        `an IACA names exactly one country (C, ISO 18013-5 Annex B.1.2): ${cert.subject.replace(/\n/g, ', ')}`,
      );
    return { pem, doctypes: names };
  });

const trustedIssuerCas = (env: Env, cwd: string): TrustedIssuerCa[] =>
  trustedCaCertificates(env, cwd, 'TRUSTED_ISSUER_CAS', 'types').map(({ pem, names }) => ({ pem, types: names }));

/** WALLET_TRUST_ANCHORS: PEM files of CA certificates, no names after them. */
const caCertificates = (env: Env, cwd: string, variable: string): string[] =>
  trustedCaCertificates(env, cwd, variable, 'nothing').map(({ pem, names }) => {
    if (names.length) throw new ConfigError(variable, 'an entry is a PEM file path, nothing after it');
    return pem;
  });

/** `true` or `false` (unset: false). */
function booleanFlag(env: Env, name: string): boolean {
  const raw = env[name]?.trim() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(name, 'must be true or false');
}

/** `true` / `false` / `a,b,c` (credential configuration ids). */
function configurationPolicy(env: Env, name: string): ConfigurationPolicy {
  const raw = env[name]?.trim() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return configurationIds(env, name, 'true, false or configuration ids separated by commas');
}

/** A file the server reads at start (TRUSTED_WALLET_PROVIDERS, WALLET_CLIENTS), relative to the working directory. */
function filePath(env: Env, name: string, cwd: string): string | undefined {
  const raw = env[name]?.trim() ?? '';
  return raw === '' ? undefined : resolve(cwd, raw);
}

function authorizationCodeConfig(env: Env, nodeEnv: string): AuthorizationCodeConfig | undefined {
  const issuer = env.OIDC_ISSUER?.trim() ?? '';
  if (issuer === '') return undefined;
  const required = (name: string): string => {
    const v = env[name]?.trim() ?? '';
    if (v === '') throw new ConfigError(name, 'is required when OIDC_ISSUER is set');
    return v;
  };
  const { entries: hosts, allow } = allowHosts(env, 'AUTHORIZATION_ALLOW_HOSTS');
  // https always; http only to an allow-listed (internal, test) host, and never in production.
  const endpoint = (name: string, raw: string): string => {
    const u = new URL(url(name, raw, ['http:', 'https:']));
    if (u.protocol === 'http:' && (nodeEnv === 'production' || !allow.allowsHost(u.hostname)))
      throw new ConfigError(name, 'must be https (http only to a host of AUTHORIZATION_ALLOW_HOSTS, outside production)');
    if (u.search || u.hash) throw new ConfigError(name, 'must not carry a query or fragment');
    return raw;
  };
  const scope = env.OIDC_SCOPE?.trim() || 'openid';
  if (!scope.split(' ').includes('openid')) throw new ConfigError('OIDC_SCOPE', 'must include openid');
  const secret = required('CLAIMS_SOURCE_SECRET');
  if (secret.length < 32) throw new ConfigError('CLAIMS_SOURCE_SECRET', 'must be at least 32 characters');
  return {
    oidcIssuer: endpoint('OIDC_ISSUER', issuer),
    oidcClientId: required('OIDC_CLIENT_ID'),
    oidcClientSecret: required('OIDC_CLIENT_SECRET'),
    oidcScope: scope,
    claimsSourceUrl: endpoint('CLAIMS_SOURCE_URL', required('CLAIMS_SOURCE_URL')),
    claimsSourceSecret: secret,
    issuerClient: required('CLAIMS_SOURCE_CLIENT'),
    allowHosts: hosts,
  };
}

function statusListSize(env: Env): number {
  const n = integer(env, 'STATUS_LIST_SIZE', 131_072, 131_072, 16_777_216);
  if (n % 4 !== 0) throw new ConfigError('STATUS_LIST_SIZE', `must be a multiple of 4 (whole bytes of 2-bit entries), got ${n}`);
  return n;
}

/** TLS_CERT and TLS_KEY: both or neither, readable, PEM, and the key belongs to the certificate. */
function tlsFiles(env: Env, cwd: string): Config['tls'] {
  const certPath = env.TLS_CERT?.trim();
  const keyPath = env.TLS_KEY?.trim();
  if (!certPath && !keyPath) return undefined;
  if (!certPath) throw new ConfigError('TLS_CERT', 'must be set when TLS_KEY is (both or neither)');
  if (!keyPath) throw new ConfigError('TLS_KEY', 'must be set when TLS_CERT is (both or neither)');
  const cert = readConfigFile('TLS_CERT', cwd, certPath);
  const key = readConfigFile('TLS_KEY', cwd, keyPath);
  if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError('TLS_CERT', `${certPath} is not a PEM certificate`);
  try {
    // Node checks here that the key parses and matches the certificate, as the server would at listen.
    createSecureContext({ cert, key });
  } catch (e) {
    throw new ConfigError(
      'TLS_KEY',
      `${keyPath} is not the PEM private key of ${certPath} (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return { cert, key };
}

export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';

  const tls = tlsFiles(env, cwd);
  const publicRaw = env.PUBLIC_URL?.trim() || `${tls ? 'https' : 'http'}://localhost:${port}`;
  const publicUrl = url('PUBLIC_URL', publicRaw, ['http:', 'https:']).replace(/\/+$/, '');
  if (new URL(publicUrl).search || new URL(publicUrl).hash) {
    throw new ConfigError('PUBLIC_URL', 'must not carry a query or fragment');
  }

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl) url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);

  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const keyAlg = env.KEY_ALG?.trim() || 'ES256';
  if (keyAlg !== 'ES256' && keyAlg !== 'EdDSA') {
    throw new ConfigError('KEY_ALG', `must be ES256 or EdDSA, got "${keyAlg}"`);
  }

  const keyBackend = env.KEY_BACKEND?.trim() || 'file';
  if (keyBackend !== 'file' && keyBackend !== 'pkcs11') {
    throw new ConfigError('KEY_BACKEND', `must be file or pkcs11, got "${keyBackend}"`);
  }
  const pkcs11 = keyBackend === 'pkcs11' ? pkcs11Config(env) : undefined;

  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  const keyPassphrase = env.DPROOF_KEY_PASSPHRASE || undefined;
  if (keyPassphrase !== undefined && keyPassphrase.length < 12) {
    throw new ConfigError('DPROOF_KEY_PASSPHRASE', 'must be at least 12 characters');
  }
  // The passphrase encrypts key files; an HSM holds its keys itself.
  if (nodeEnv === 'production' && keyPassphrase === undefined && keyBackend === 'file') {
    throw new ConfigError('DPROOF_KEY_PASSPHRASE', 'is required when NODE_ENV=production');
  }

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl) url('REDIS_URL', redisUrl, ['redis:', 'rediss:']);
  const bodyLimit = integer(env, 'BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024);
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  // A token is re-signed at half its lifetime; a verifier may keep one for `ttl`: a ttl longer than
  // that half would let verifiers (and caches, Cache-Control max-age) hold a token past its exp.
  const statusTokenValiditySeconds = integer(env, 'STATUS_TOKEN_VALIDITY_SECONDS', 86_400, 60, 30 * 86_400);
  const statusTtlSeconds = integer(env, 'STATUS_TTL_SECONDS', 60, 1, 86_400);
  if (statusTtlSeconds > statusTokenValiditySeconds / 2)
    throw new ConfigError(
      'STATUS_TTL_SECONDS',
      `must be at most half of STATUS_TOKEN_VALIDITY_SECONDS (${statusTokenValiditySeconds / 2}), got ${statusTtlSeconds}`,
    );

  return {
    port,
    host,
    tls,
    publicUrl,
    dataDir: resolve(cwd, env.DATA_DIR?.trim() || './data'),
    databaseUrl,
    storeLockTimeoutMs: integer(
      env,
      'STORE_LOCK_TIMEOUT_MS',
      DEFAULT_LOCK_TIMEOUT_MS,
      LOCK_TIMEOUT_RANGE_MS.min,
      LOCK_TIMEOUT_RANGE_MS.max,
    ),
    keysDir: resolve(cwd, env.KEYS_DIR?.trim() || './keys'),
    logLevel,
    bodyLimit,
    smallBodyLimit: Math.min(bodyLimit, integer(env, 'SMALL_BODY_LIMIT', 64 * 1024, 1024, 64 * 1024 * 1024)),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 60_000, 1000, 600_000),
    keyPassphrase,
    keyAlg,
    keyBackend,
    pkcs11,
    keyRefreshMs: integer(env, 'KEY_REFRESH_MS', 2000, 100, 60_000),
    jwksMaxAgeS: integer(env, 'JWKS_MAX_AGE', 60, 0, 3600),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 10_000_000),
    rateLimitPerAddressPerMinute: integer(env, 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE', 6000, 0, 10_000_000),
    rateLimitPerReferencePerMinute: integer(env, 'RATE_LIMIT_PER_REFERENCE_PER_MINUTE', 30, 0, 10_000_000),
    nodeEnv,
    statusListSize: statusListSize(env),
    statusTtlSeconds,
    statusTokenValiditySeconds,
    offerTtlSeconds: integer(env, 'OFFER_TTL_SECONDS', 600, 30, 30 * 86_400),
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 300, 30, 86_400),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 0, 0, 30 * 86_400),
    cNonceTtlSeconds: integer(env, 'C_NONCE_TTL_SECONDS', 300, 30, 86_400),
    deferredTtlSeconds: integer(env, 'DEFERRED_TTL_SECONDS', 604_800, 60, 2_592_000),
    deferredIntervalSeconds: integer(env, 'DEFERRED_INTERVAL_SECONDS', 60, 1, 86_400),
    deferredConfigurations: configurationIds(env, 'DEFERRED_CONFIGURATIONS', 'configuration ids separated by commas'),
    batchSize: integer(env, 'BATCH_SIZE', 10, 1, 100),
    trustedIssuers: trustedIssuers(env, publicUrl),
    trustedIacaCerts: trustedIacaCerts(env, cwd),
    walletTrustAnchors: caCertificates(env, cwd, 'WALLET_TRUST_ANCHORS'),
    trustedIssuerCas: trustedIssuerCas(env, cwd),
    verificationSkewSeconds: integer(env, 'VERIFICATION_SKEW_SECONDS', 60, 0, 600),
    kbJwtMaxAgeSeconds: integer(env, 'KB_JWT_MAX_AGE_SECONDS', 120, 10, 3600),
    counterNonceTtlSeconds: integer(env, 'COUNTER_NONCE_TTL_SECONDS', 300, 30, 3600),
    verifierRequestTtlSeconds: integer(env, 'VERIFIER_REQUEST_TTL_SECONDS', 300, 30, 86_400),
    engagementTtlSeconds: integer(env, 'ENGAGEMENT_TTL_SECONDS', 90, 60, 120),
    engagementWaitSeconds: integer(env, 'ENGAGEMENT_WAIT_SECONDS', 20, 1, 25),
    verifierResultRetentionSeconds: integer(env, 'VERIFIER_RESULT_RETENTION_SECONDS', 600, 10, 7 * 86_400),
    purgeIntervalMs: integer(env, 'PURGE_INTERVAL_MS', 60_000, 10, 86_400_000),
    redisUrl,
    trustProxy: trustProxy(env),
    workers: workers(env),
    metricsToken,
    webhookAllowHosts: allowHosts(env, 'WEBHOOK_ALLOW_HOSTS').entries,
    dpopRequired: configurationPolicy(env, 'DPOP_REQUIRED'),
    dpopNonceTtlSeconds: integer(env, 'DPOP_NONCE_TTL_SECONDS', 300, 60, 3600),
    trustedWalletProviders: filePath(env, 'TRUSTED_WALLET_PROVIDERS', cwd),
    walletClients: filePath(env, 'WALLET_CLIENTS', cwd),
    walletAttestationRequired: configurationPolicy(env, 'WALLET_ATTESTATION_REQUIRED'),
    keyAttestationRequired: configurationPolicy(env, 'KEY_ATTESTATION_REQUIRED'),
    authorizationCode: authorizationCodeConfig(env, nodeEnv),
    requestEncryptionRequired: booleanFlag(env, 'CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED'),
    requestKeyGraceSeconds: integer(env, 'CREDENTIAL_REQUEST_KEY_GRACE_SECONDS', 86_400, 300, 2_592_000),
  };
}
