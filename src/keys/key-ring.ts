import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { KeyRecord } from '../store/repositories/keys-repo.js';
import { unavailable } from '../errors.js';
import type { Signer, SigningAlg } from './signer.js';
import { isSigningAlg, type FileKeyStore } from './file-key-store.js';

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
 */
export class KeyRing {
  private signers = new Map<string, Signer>();
  private active = new Map<SigningAlg, Signer>();
  private published: PublishedKey[] = [];
  private version = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly keyStore: FileKeyStore,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  /** Reloads key states; decrypts key files it has not loaded yet. Throws KeyFileError on a bad file. */
  async refresh(): Promise<boolean> {
    const version = await this.store.keys.version();
    if (version === this.version) return false;
    const records = await this.store.keys.list();
    const signers = new Map<string, Signer>();
    const active = new Map<SigningAlg, Signer>();
    const published: PublishedKey[] = [];
    for (const r of records.filter((k) => k.state !== 'retired')) {
      if (!isSigningAlg(r.alg)) continue;
      const signer = this.signers.get(r.kid) ?? (await this.keyStore.load(r));
      signers.set(r.kid, signer);
      if (r.state === 'active') active.set(r.alg, signer);
      published.push({ kid: r.kid, alg: r.alg, state: r.state as 'active' | 'retiring', jwk: signer.publicJwk });
    }
    this.signers = signers;
    this.active = active;
    this.published = published;
    this.version = version;
    this.logger.info({ keys: published.map((k) => ({ kid: k.kid, alg: k.alg, state: k.state })) }, 'signing keys loaded');
    return true;
  }

  /** Keeps polling the store; a failed poll keeps the last good keys and tries again. */
  startPolling(intervalMs: number): void {
    this.stopPolling();
    this.timer = setInterval(() => {
      this.refresh().catch((e: unknown) => this.logger.warn({ err: e }, 'key refresh failed; keeping the keys already loaded'));
    }, intervalMs);
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
    const s = this.active.get(alg);
    if (!s) throw unavailable('no_active_key', `no active ${alg} signing key; run "dproof keys generate --alg ${alg}"`);
    return s;
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
