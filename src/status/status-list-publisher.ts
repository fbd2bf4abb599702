import type { Store } from '../store/store.js';
import type { Clock } from '../clock.js';
import type { Signer } from '../keys/signer.js';
import { isAppError, notFound } from '../errors.js';
import { StatusList } from '../formats/status-list/status-list-codec.js';
import { gzipSync } from 'node:zlib';
import { signStatusListCwt } from '../formats/status-list/status-list-cwt.js';
import { buildStatusListTokenPayload, signStatusListPayload } from '../formats/status-list/status-list-token.js';
import { statusListUri } from './status-list-uri.js';

/** A signer's kid, and the end of its issuer certificate: a key certified since re-signs the lists. */
const signingKeyTag = (s: Signer): string => (s.x5c ? `${s.kid}#${s.x5c[0]!.slice(-24)}` : s.kid);

interface Cached {
  token: string;
  /** The same claims in CWT form (§5.2), signed with the token: same key, same `iat` and `exp`. */
  cwt: Buffer;
  /** The JWT form gzipped, made on its first request; null when gzip would not make it smaller. */
  gzip?: Buffer | null;
  iat: number;
  exp: number | undefined;
  version: number;
  /** The key (and issuer certificate) that signed `token`: once this node signs with another one, the token is re-signed. */
  kid: string;
  signedAt: number;
  /**
   * When the list was last seen at `version` (this node's clock, taken before the read): the
   * token tells every status from its making up to this time.
   */
  checkedAt: number;
  etag: string;
}

export interface PublishedStatusList {
  token: string;
  etag: string;
  /** Seconds a consumer may cache it (the token's `ttl`). */
  ttl: number;
  /** The token's `iat` and `exp` (seconds), for a request that names a `time` (§8.4). */
  iat: number;
  exp: number | undefined;
  /** Until when (ms, this node's clock) the statuses are known to be the token's: no change was committed before then. */
  currentUntil: number;
  /** The same claims in CWT form (§5.2), with its own entity tag. */
  cwt: { body: Buffer; etag: string };
  /** The JWT form gzipped (§8.2 SHOULD), with its own entity tag (RFC 9110 §8.8.3), or null when it would not be smaller. */
  gzip(): { body: Buffer; etag: string } | null;
}

/**
 * Serves signed status list tokens. Each node keeps the last token per list and re-signs it
 * when the list's version (bumped with every status change, by any node) moved, or when half of
 * the token's lifetime has passed, or when this node's signing key changed (a rotation's
 * handover ended: the old key may be retired from then on, and a token it signed would stop
 * verifying). The version is read at most once a second per list, so a change shows within a second here and within `ttl` at verifiers that cache
 * (a request about a `time` in that last second reads it again: `get(id, { fresh: true })`).
 */
export class StatusListPublisher {
  private cache = new Map<string, Cached>();
  private building = new Map<string, Promise<Cached>>();
  /**
   * Bumped by invalidate(): a build that began before a change here must neither be joined by a
   * read after it nor cached when it ends (it read the statuses from before the change).
   */
  private generation = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly opts: { publicUrl: string; ttlSeconds: number; validitySeconds: number; signer: () => Signer },
  ) {}

  /** Forgets this node's token of a list after a change made here, so the next read re-signs at once. */
  invalidate(listId: string): void {
    this.cache.delete(listId);
    this.building.delete(listId);
    this.generation.set(listId, (this.generation.get(listId) ?? 0) + 1);
  }

  /**
   * The list's token. `fresh`: read the list's version now even if it was read within the last
   * second, so `currentUntil` is now (a request about a past `time` needs to know no change came since).
   */
  async get(listId: string, opts: { fresh?: boolean } = {}): Promise<PublishedStatusList> {
    const now = this.clock.now();
    let c = this.cache.get(listId);
    // No store read: checked on every request, so the switch follows the node's signer at once.
    // While the node has no signer (no active key, HSM away) the cached token is still served.
    if (c && c.kid !== (this.currentKid() ?? c.kid)) c = undefined;
    if (c && (opts.fresh === true || now - c.checkedAt >= 1000)) {
      const version = await this.store.statusLists.version(listId);
      const stale = version !== c.version || now - c.signedAt > (this.opts.validitySeconds * 1000) / 2;
      if (stale) c = undefined;
      else c.checkedAt = now;
    }
    if (!c) c = await this.build(listId);
    return published(c, this.opts.ttlSeconds);
  }

  /** The key (kid, and its certificate if any) this node signs with now, or undefined while it cannot sign (the signer's 4xx/5xx AppError). */
  private currentKid(): string | undefined {
    try {
      return signingKeyTag(this.opts.signer());
    } catch (e) {
      if (isAppError(e)) return undefined;
      throw e;
    }
  }

  private build(listId: string): Promise<Cached> {
    let p = this.building.get(listId);
    if (!p) {
      const built: Promise<Cached> = this.sign(listId).finally(() => {
        if (this.building.get(listId) === built) this.building.delete(listId);
      });
      this.building.set(listId, built);
      p = built;
    }
    return p;
  }

  private async sign(listId: string): Promise<Cached> {
    const generation = this.generation.get(listId) ?? 0;
    // Before the reads: every change committed before this time is in what they return.
    const readAt = this.clock.now();
    const rec = await this.store.statusLists.get(listId);
    if (!rec) throw notFound('status_list_not_found', `no status list ${listId}`);
    const list = new StatusList(rec.size, rec.bits as 2);
    for (const { idx, status } of await this.store.credentials.nonZeroStatuses(listId)) list.set(idx, status);
    const signer = this.opts.signer();
    const payload = buildStatusListTokenPayload({
      uri: statusListUri(this.opts.publicUrl, listId),
      list,
      clock: this.clock,
      expiresInSeconds: this.opts.validitySeconds,
      ttlSeconds: this.opts.ttlSeconds,
      iss: this.opts.publicUrl,
    });
    // Both forms at once, by the signer the key ring hands out now (it refuses while its key
    // states are stale): a form signed later by a kept signer could use a key retired since.
    const [token, cwt] = await Promise.all([signStatusListPayload(payload, signer), signStatusListCwt(payload, signer)]);
    const now = this.clock.now();
    const cached: Cached = {
      token,
      cwt: Buffer.from(cwt),
      iat: payload.iat,
      exp: payload.exp,
      version: rec.version,
      kid: signingKeyTag(signer),
      signedAt: now,
      checkedAt: readAt,
      etag: `"${listId}-${rec.version}-${now}"`,
    };
    if ((this.generation.get(listId) ?? 0) === generation) this.cache.set(listId, cached);
    return cached;
  }
}

/** What get() hands out for one cached token: the gzip made on first use is kept on the entry. */
function published(c: Cached, ttl: number): PublishedStatusList {
  return {
    token: c.token,
    etag: c.etag,
    ttl,
    iat: c.iat,
    exp: c.exp,
    currentUntil: c.checkedAt,
    cwt: { body: c.cwt, etag: `${c.etag.slice(0, -1)}-cwt"` },
    gzip: () => {
      // Made once per token (not per request, unlike PreparedJson's threshold guards against), so
      // even a small list is sent gzipped when that saves bytes: base64url leaves a quarter to gain.
      if (c.gzip === undefined) {
        const body = gzipSync(c.token);
        c.gzip = body.length < c.token.length ? body : null;
      }
      return c.gzip && { body: c.gzip, etag: `${c.etag.slice(0, -1)}-gzip"` };
    },
  };
}
