/**
 * Builds the pipeline's context from the runtime: one IssuerTrust and one StatusChecker per
 * runtime (their caches live as long as the process), and the single-use nonce store.
 */
import { hash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Catalog } from '../catalog/types.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { StatusListPublisher } from '../status/status-list-publisher.js';
import type { Store } from '../store/store.js';
import type { Fetcher } from './fetch-json.js';
import { IssuerTrust } from './issuer-trust.js';
import { iacaAnchorsOf } from './iaca-anchors.js';
import { issuerCaAnchorsOf } from './issuer-ca-anchors.js';
import { StatusChecker } from './status-checker.js';
import { issuedCounterNonceHash } from '../presentation/issue-counter-nonce.js';

/** One empty list, so the anchors' memo (iaca-anchors.ts) sees the same array every time. */
const NO_CERTIFICATES: readonly Uint8Array[] = [];
import type { VerificationContext } from './verification-checks.js';
import { ownStatusListPrefix } from '../status/status-list-uri.js';

export interface VerificationDeps {
  /** This service's own IACA certificates (PEM or DER), when it issues mdocs; none until then. */
  ownIacaCertificates?: () => readonly (string | Uint8Array)[];
  config: Config;
  store: Store;
  keys: KeyRing;
  clock: Clock;
  catalog: Catalog;
  statusPublisher: StatusListPublisher;
}

const contexts = new WeakMap<object, VerificationContext>();
/** Purge spent nonces on about one call in this many (a cheap indexed DELETE). */
const PURGE_EVERY = 64;

export const nonceHash = (nonce: string): string => hash('sha256', nonce, 'base64url');

export function createVerificationContext(deps: VerificationDeps, fetcher: Fetcher = (url, init) => fetch(url, init)): VerificationContext {
  const trust = new IssuerTrust({
    ownIssuer: deps.config.publicUrl,
    ownKeys: deps.keys,
    trusted: deps.config.trustedIssuers,
    fetch: fetcher,
    clock: deps.clock,
  });
  const issuerCaAnchors = issuerCaAnchorsOf({
    ownIssuer: deps.config.publicUrl,
    trusted: deps.config.trustedIssuerCas,
    ownCaCertificates: () => deps.keys.issuerCaCertificates?.() ?? NO_CERTIFICATES,
    ownKeyPublished: (jwk) =>
      deps.keys.publishedKeys().some((k) => k.jwk.kty === jwk.kty && k.jwk.crv === jwk.crv && k.jwk.x === jwk.x && k.jwk.y === jwk.y),
  });
  const status = new StatusChecker({
    issuerCaAnchors,
    trust,
    fetch: fetcher,
    clock: deps.clock,
    skewSeconds: deps.config.verificationSkewSeconds,
    ownPrefix: ownStatusListPrefix(deps.config.publicUrl),
    readOwn: async (listId) => (await deps.statusPublisher.get(listId)).token,
  });
  const iacaAnchors = iacaAnchorsOf({
    ownIssuer: deps.config.publicUrl,
    trusted: deps.config.trustedIacaCerts,
    ownIacaCertificates: () => deps.ownIacaCertificates?.() ?? NO_CERTIFICATES,
  });
  let calls = 0;
  return {
    iacaAnchors,
    issuerCaAnchors,
    trust,
    status,
    clock: deps.clock,
    skewSeconds: deps.config.verificationSkewSeconds,
    catalog: deps.catalog,
    consumeNonce: async (nonce, expiresAt) => {
      // Housekeeping, not part of the answer: nobody waits for it, and a failed purge is retried later.
      if (++calls % PURGE_EVERY === 0) deps.store.nonces.purge(deps.clock.now()).catch(() => {});
      return deps.store.nonces.consume(nonceHash(nonce), 'kb', expiresAt);
    },
    counterNonceIssued: (nonce, clientId) => deps.store.nonces.isLive(issuedCounterNonceHash(clientId, nonce), deps.clock.now()),
  };
}

/** One context per runtime object, created on first use. */
export function verificationContextOf(deps: VerificationDeps): VerificationContext {
  let ctx = contexts.get(deps);
  if (!ctx) {
    ctx = createVerificationContext(deps);
    contexts.set(deps, ctx);
  }
  return ctx;
}
