/**
 * Which issuers we trust and with which keys.
 *
 * - This service's own issuer (`PUBLIC_URL`): its active and retiring keys, read in-process.
 * - Each issuer listed in `TRUSTED_ISSUERS`: keys from its JWT VC Issuer Metadata
 *   (SD-JWT VC §5: `<origin>/.well-known/jwt-vc-issuer<path>`, `issuer` identical to `iss`,
 *   `jwks` or `jwks_uri`), cached for CACHE_SECONDS, refreshed early (at most every
 *   REFRESH_SECONDS) when a token names a `kid` we have not seen (the issuer rotated).
 *
 * Nothing is fetched for an issuer that is not listed, and no URL is ever taken from a token
 * header (`jku`, `x5u`, `jwk`, `x5c` are ignored; RFC 8725bis §3.x, SECURITY.md "Tokens").
 * A `jwks_uri` must share the issuer's origin, so metadata cannot send us elsewhere. A published
 * key that is not a real public key (checkPublicJwk) is dropped from the set.
 */
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningAlg } from '../keys/signer.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { isRealPublicJwk } from '../formats/jose/check-public-jwk.js';
import type { ResolvedKey } from '../formats/jose/types.js';
import { fetchJsonObject, type Fetcher } from './fetch-json.js';
import { isAuthorizedForType, type TrustedIssuer } from './issuer-type-authority.js';

const CACHE_SECONDS = 300;
const REFRESH_SECONDS = 30;
const MAX_KEYS = 32;

export interface OwnKeys {
  verificationKey(kid: string): { jwk: JWK; alg: SigningAlg } | undefined;
  publishedKeys(): readonly { kid: string; alg: SigningAlg; jwk: JWK }[];
}

interface CachedKeys {
  keys: JWK[];
  fetchedAt: number;
}

/** SD-JWT VC §5: the metadata URL of an issuer identifier. */
export function issuerMetadataUrl(iss: string): string {
  const u = new URL(iss);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}/.well-known/jwt-vc-issuer${path}`;
}

export class IssuerTrust {
  private cache = new Map<string, CachedKeys>();
  private loading = new Map<string, Promise<CachedKeys>>();

  constructor(
    private readonly o: { ownIssuer: string; ownKeys: OwnKeys; trusted: readonly TrustedIssuer[]; fetch: Fetcher; clock: Clock },
  ) {}

  get ownIssuer(): string {
    return this.o.ownIssuer;
  }

  /** Compared exactly (SD-JWT VC §5: case-sensitive URL). */
  isTrusted(iss: string): boolean {
    return iss === this.o.ownIssuer || this.isListed(iss);
  }

  /** May `iss` issue credentials of `type` (a `vct` or VC `type` term)? See issuer-type-authority.ts. */
  isAuthorizedForType(iss: string, type: string): boolean {
    return isAuthorizedForType(this.o, iss, type);
  }

  private isListed(iss: string): boolean {
    return this.o.trusted.some((t) => t.issuer === iss);
  }

  /** The key of `iss` named by `kid` (or its only key for `alg`); undefined = no trusted key. Throws FetchFailed. */
  async resolveKey(lookup: { iss: string; kid: string | undefined; alg: SigningAlg }): Promise<ResolvedKey | undefined> {
    if (lookup.iss === this.o.ownIssuer) {
      if (lookup.kid === undefined) return undefined;
      const k = this.o.ownKeys.verificationKey(lookup.kid);
      return k ? { jwk: k.jwk, alg: k.alg } : undefined;
    }
    if (!this.isListed(lookup.iss)) return undefined;
    let entry = await this.keysOf(lookup.iss, false);
    let key = pick(entry.keys, lookup.kid, lookup.alg);
    if (!key && this.o.clock.now() - entry.fetchedAt > REFRESH_SECONDS * 1000) {
      entry = await this.keysOf(lookup.iss, true);
      key = pick(entry.keys, lookup.kid, lookup.alg);
    }
    return key;
  }

  private async keysOf(iss: string, force: boolean): Promise<CachedKeys> {
    const hit = this.cache.get(iss);
    if (hit && !force && this.o.clock.now() - hit.fetchedAt < CACHE_SECONDS * 1000) return hit;
    let p = this.loading.get(iss);
    if (!p) {
      p = this.load(iss).finally(() => this.loading.delete(iss));
      this.loading.set(iss, p);
    }
    return p;
  }

  private async load(iss: string): Promise<CachedKeys> {
    const meta = await fetchJsonObject(this.o.fetch, issuerMetadataUrl(iss));
    // SD-JWT VC §5.3: `issuer` MUST be identical to `iss`, else the data MUST NOT be used.
    if (meta.issuer !== iss) return this.remember(iss, []);
    let jwks: unknown = meta.jwks;
    // SD-JWT VC §5.2: `jwks` or `jwks_uri`, not both.
    if (meta.jwks !== undefined && meta.jwks_uri !== undefined) return this.remember(iss, []);
    if (typeof meta.jwks_uri === 'string') {
      if (!URL.canParse(meta.jwks_uri) || new URL(meta.jwks_uri).origin !== new URL(iss).origin) return this.remember(iss, []);
      jwks = await fetchJsonObject(this.o.fetch, meta.jwks_uri);
    }
    const keys = (jwks as { keys?: unknown } | undefined)?.keys;
    if (!Array.isArray(keys)) return this.remember(iss, []);
    return this.remember(iss, keys.slice(0, MAX_KEYS).filter(isRealPublicKey));
  }

  private remember(iss: string, keys: JWK[]): CachedKeys {
    const entry = { keys, fetchedAt: this.o.clock.now() };
    this.cache.set(iss, entry);
    return entry;
  }
}

/**
 * A published key is used only if it is a real public key in its canonical encoding (never a
 * small-order Ed25519 point, under which anyone could sign as this issuer): others are dropped.
 */
const isRealPublicKey = (k: unknown): k is JWK => isRealPublicJwk(k, { torsionFree: true });

function usableAlg(jwk: JWK): SigningAlg | undefined {
  try {
    return algForJwk(jwk);
  } catch {
    return undefined;
  }
}

/** `kid` is an opaque lookup key, compared exactly; without one, only an unambiguous key fits. */
function pick(keys: readonly JWK[], kid: string | undefined, alg: SigningAlg): ResolvedKey | undefined {
  const fits = keys.filter((k) => usableAlg(k) === alg && (k.use === undefined || k.use === 'sig'));
  const found = kid === undefined ? (fits.length === 1 ? fits[0] : undefined) : fits.find((k) => k.kid === kid);
  return found ? { jwk: found, alg } : undefined;
}
