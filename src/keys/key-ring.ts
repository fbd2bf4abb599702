import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { displacedBy, type KeyRecord } from '../store/repositories/keys-repo.js';
import { unavailable } from '../errors.js';
import type { Signer, SigningAlg } from './signer.js';
import { isSigningAlg } from './file-key-store.js';
import { signerUnavailable, type KeyBackend } from './key-backend.js';
import { systemClock, type Clock } from '../clock.js';
import { certificateChainOf, ISSUER_CA_ALG, MDOC_DS_ALG, MDOC_IACA_ALG } from './mdoc-key-rows.js';
import { X509Certificate } from 'node:crypto';

/** The active mdoc document signer: its key and its x5chain (DS certificate, then the IACA). */
export interface DocumentSigner {
  signer: Signer;
  x5chain: Uint8Array[];
}

/** `signer` carrying its issuer certificate chain (the sign call stays the backend's own). */
const withX5c = (signer: Signer, x5c: readonly string[]): Signer => ({
  kid: signer.kid,
  alg: signer.alg,
  publicJwk: signer.publicJwk,
  x5c,
  sign: (input) => signer.sign(input),
});

/** A row's issuer x5c while its leaf certificate is inside its validity (and when that ends); undefined otherwise. */
function liveX5c(r: KeyRecord, now: number): { x5c: readonly string[]; until: number } | undefined {
  const leaf = r.issuerX5c?.[0];
  if (leaf === undefined) return undefined;
  try {
    const cert = new X509Certificate(Buffer.from(leaf, 'base64'));
    const until = Date.parse(cert.validTo);
    return Date.parse(cert.validFrom) <= now && now <= until ? { x5c: r.issuerX5c!, until } : undefined;
  } catch {
    return undefined;
  }
}

/** A signer that carries an issuer certificate: the backend's own signer, and when the certificate ends. */
const certified = new WeakMap<Signer, { base: Signer; until: number }>();

/** Added to the handover: time for a poll to finish and for small clock differences between nodes. */
export const HANDOVER_MARGIN_MS = 1000;

/**
 * How long after a rotation a node keeps signing with the key it displaced: until every node
 * polling every `keyRefreshMs` has published the new key, and then until a verifier that cached
 * the JWKS just before that (for `jwksMaxAgeS`, the max-age we serve it with) has let that copy
 * go. Signing earlier fails at verifiers that honour the cache (jose's remote JWK set, for one,
 * refetches an unknown kid at most every 30 s). Retiring the displaced key earlier would let a
 * node that has not polled yet sign with a retired key, so retireKey waits this long too.
 */
export const handoverWindowMs = (timing: { keyRefreshMs: number; jwksMaxAgeS: number }): number =>
  timing.keyRefreshMs + timing.jwksMaxAgeS * 1000 + HANDOVER_MARGIN_MS;

export interface PublishedKey {
  kid: string;
  alg: SigningAlg;
  state: 'active' | 'retiring';
  jwk: JWK;
}

/**
 * This node's view of the signing keys. Key states live in the store so every node agrees; each
 * node polls a cheap fingerprint of the key table and reloads when it changes, so a rotation made
 * by the CLI reaches running servers within KEY_REFRESH_MS without a restart.
 *
 * Publish before sign: after a rotation, a polling node keeps signing with the key the rotation
 * displaced (now retiring, still published) until handoverWindowMs after the new key's
 * activation. By then every node polling at the same interval has the new key in its JWKS and its
 * verifier, so no node signs with a key another node does not publish yet (the two-node rotation
 * test caught exactly that window), and every JWKS copy cached before that has expired. Every node
 * must use the same KEY_REFRESH_MS and JWKS_MAX_AGE.
 */
export class KeyRing {
  private signers = new Map<string, Signer>();
  /** The backends' signers by kid, without x5c: what a refresh wraps again (never a wrapped one). */
  private loaded = new Map<string, Signer>();
  /** Keys whose expired issuer certificate was already reported (once each). */
  private warnedExpired = new Set<string>();
  private active = new Map<SigningAlg, Signer>();
  /** Per algorithm: the key a recent rotation displaced, and when the new one was activated. */
  private handover = new Map<SigningAlg, { previous: Signer; activatedAt: number }>();
  /** 0 until polling starts: a process that does not poll (the CLI) signs with the active key at once. */
  private handoverMs = 0;
  /**
   * performance.now() of the last refresh that read the key table through. Real elapsed time, not
   * the injected clock: what matters is how long this process has gone without seeing the table,
   * as the poll timer counts it (a test that moves the clock on by days has not stopped polling).
   */
  private lastReadAt = performance.now();
  private published: PublishedKey[] = [];
  private documentSignerKey: DocumentSigner | undefined;
  private iacaCerts: Uint8Array[] = [];
  private issuerCaCerts: Uint8Array[] = [];
  private version = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly keyStore: KeyBackend,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Reloads key states; decrypts key files it has not loaded yet. Throws KeyFileError on a bad file. */
  async refresh(): Promise<boolean> {
    const version = await this.store.keys.version();
    if (version === this.version) {
      this.lastReadAt = performance.now();
      return false;
    }
    const records = await this.store.keys.list();
    const signers = new Map<string, Signer>();
    const loadedNow = new Map<string, Signer>();
    const active = new Map<SigningAlg, Signer>();
    const published: PublishedKey[] = [];
    const live = records.filter((k) => k.state !== 'retired');
    const now = this.clock.now();
    for (const r of live) {
      if (!isSigningAlg(r.alg)) continue;
      const loaded = this.loaded.get(r.kid) ?? (await this.keyStore.load(r));
      loadedNow.set(r.kid, loaded);
      const cert = liveX5c(r, now);
      if (r.issuerX5c && !cert) this.logger.warn({ kid: r.kid }, 'the issuer certificate of this key is not valid now; signing without x5c');
      const signer = cert ? withX5c(loaded, cert.x5c) : loaded;
      if (cert) certified.set(signer, { base: loaded, until: cert.until });
      signers.set(r.kid, signer);
      if (r.state === 'active') active.set(r.alg, signer);
      published.push({ kid: r.kid, alg: r.alg, state: r.state as 'active' | 'retiring', jwk: signer.publicJwk });
    }
    const ds = live.find((r) => r.alg === MDOC_DS_ALG && r.state === 'active');
    const dsSigner = ds && (this.loaded.get(ds.kid) ?? (await this.keyStore.load({ kid: ds.kid, file: ds.file, alg: 'ES256' })));
    if (ds && dsSigner) {
      signers.set(ds.kid, dsSigner);
      loadedNow.set(ds.kid, dsSigner);
    }
    const handover = new Map<SigningAlg, { previous: Signer; activatedAt: number }>();
    for (const r of live) {
      if (r.state !== 'active' || !isSigningAlg(r.alg) || r.activatedAt === null) continue;
      const displaced = displacedBy(live, r);
      const previous = displaced && signers.get(displaced.kid);
      if (previous) handover.set(r.alg, { previous, activatedAt: r.activatedAt });
    }
    this.signers = signers;
    this.loaded = loadedNow;
    this.active = active;
    this.handover = handover;
    this.published = published;
    this.documentSignerKey = ds && dsSigner ? { signer: dsSigner, x5chain: certificateChainOf(ds).slice(0, 1) } : undefined;
    this.iacaCerts = live.filter((r) => r.alg === MDOC_IACA_ALG).flatMap((r) => certificateChainOf(r).slice(0, 1));
    this.issuerCaCerts = live.filter((r) => r.alg === ISSUER_CA_ALG).flatMap((r) => certificateChainOf(r).slice(0, 1));
    this.version = version;
    this.lastReadAt = performance.now();
    this.logger.info({ keys: published.map((k) => ({ kid: k.kid, alg: k.alg, state: k.state })) }, 'signing keys loaded');
    return true;
  }

  /** Keeps polling the store every `keyRefreshMs`; a failed poll keeps the last good keys and tries again. */
  startPolling(timing: { keyRefreshMs: number; jwksMaxAgeS: number }): void {
    this.stopPolling();
    this.handoverMs = handoverWindowMs(timing);
    this.lastReadAt = performance.now();
    // One poll at a time: a poll that hangs (a locked table, a store that does not answer) is not
    // joined by another every interval, each holding a pooled connection.
    let polling = false;
    this.timer = setInterval(() => {
      if (polling) return;
      polling = true;
      this.refresh()
        .catch((e: unknown) => this.logger.warn({ err: e }, 'key refresh failed; keeping the keys already loaded'))
        .finally(() => {
          polling = false;
        });
    }, timing.keyRefreshMs);
    this.timer.unref();
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  hasActive(alg: SigningAlg): boolean {
    return this.active.has(alg);
  }

  /** The key new credentials are signed with. */
  signer(alg: SigningAlg): Signer {
    this.assertStatesFresh();
    const h = this.handover.get(alg);
    if (h && this.clock.now() < h.activatedAt + this.handoverMs) return this.withLiveCertificate(h.previous);
    const s = this.active.get(alg);
    if (!s) throw unavailable('no_active_key', `no active ${alg} signing key; run "dproof keys generate --alg ${alg}"`);
    return this.withLiveCertificate(s);
  }

  /**
   * The signer without its x5c once the issuer certificate has ended: the key table need not change
   * for that to happen, so it is checked at each use, not only at a refresh (a verifier refuses an
   * expired certificate, our own included: issuer_certificate_expired).
   */
  private withLiveCertificate(s: Signer): Signer {
    const c = certified.get(s);
    if (!c || this.clock.now() <= c.until) return s;
    if (!this.warnedExpired.has(s.kid)) {
      this.warnedExpired.add(s.kid);
      this.logger.warn({ kid: s.kid }, 'the issuer certificate of this key has expired; signing without x5c (dproof keys issuer-cert)');
    }
    return c.base;
  }


  /**
   * Throws what signing would throw (no_active_key, signer_unavailable) without signing: for
   * callers that consume something single-use before they sign (OpenID4VCI's c_nonce and offer).
   */
  assertCanSign(alg: SigningAlg): void {
    this.signer(alg);
    if (this.keyStore.health() !== 'ok') throw signerUnavailable();
  }

  /**
   * The key mdoc credentials are signed with (ISO/IEC 18013-5 §9.1.2.4 issuerAuth) and the x5chain
   * that goes with it: the DS certificate only, as the IACA is the verifier's trust anchor (B.1).
   */
  documentSigner(): DocumentSigner {
    this.assertStatesFresh();
    if (!this.documentSignerKey)
      throw unavailable('no_active_key', 'no active mdoc document signer; run "dproof keys iaca" then "dproof keys ds"');
    return this.documentSignerKey;
  }

  /**
   * Fail closed when this node has not read the key table for a whole handover window: a key may
   * have been rotated and, a handover later, retired meanwhile, and a node that kept signing with
   * it would sign with a retired key. Issuance needs the store anyway; reading it again lifts this.
   */
  private assertStatesFresh(): void {
    if (this.statesFresh()) return;
    throw unavailable(
      'key_states_stale',
      `this node has not read the signing keys' states for ${Math.round((performance.now() - this.lastReadAt) / 1000)} s (longer than a rotation's handover); it signs again once the store answers`,
    );
  }

  /**
   * False once this node has gone a handover without reading the key table (`/readyz` turns red);
   * always true in a process that does not poll (the CLI reads the table for each command).
   */
  statesFresh(): boolean {
    return this.timer === undefined || performance.now() - this.lastReadAt <= this.handoverMs;
  }

  /** DER certificates of our active and retiring IACA roots: the trust anchors of our mdocs. */
  iacaCertificates(): readonly Uint8Array[] {
    return this.iacaCerts;
  }

  /** DER certificates of our active and retiring issuer CAs: the trust anchors of our SD-JWT VCs' x5c. */
  issuerCaCertificates(): readonly Uint8Array[] {
    return this.issuerCaCerts;
  }

  /** assertCanSign for mdoc issuance: an active document signer, and a backend that answers. */
  assertCanSignDocuments(): void {
    this.documentSigner();
    if (this.keyStore.health() !== 'ok') throw signerUnavailable();
  }

  /** Public key for verifying something we signed: active and retiring keys only. */
  verificationKey(kid: string): PublishedKey | undefined {
    return this.published.find((k) => k.kid === kid);
  }

  /** RFC 7517 JWK Set of every active and retiring key. */
  jwks(): { keys: JWK[] } {
    return { keys: this.published.map((k) => k.jwk) };
  }

  publishedKeys(): readonly PublishedKey[] {
    return this.published;
  }
}

export type { KeyRecord };
