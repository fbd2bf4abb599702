/**
 * Reads a referenced token's status (draft-ietf-oauth-status-list §8.3) and answers with one
 * code. Every list goes through the same checks: signature by a key of the credential's
 * issuer, `typ: statuslist+jwt`, `sub` equal to the URI, not expired, `lst` decoded strictly,
 * index inside the list. A list that cannot be fetched or does not pass never yields "valid".
 *
 * - Our own lists are read in-process from the StatusListPublisher (it already caches and
 *   re-signs on change), then checked like any other. The checked list is kept while the
 *   publisher hands out the very same token (same string), for at most 5 s, so a token already
 *   verified is not verified again on every presentation; its time checks still run each time.
 * - Other lists are fetched only when their URI shares the origin of a trusted issuer (no
 *   URL from a token is fetched otherwise: SSRF, SECURITY.md "Tokens"), and cached until the
 *   token's `ttl` or `exp`, whichever comes first (§13.7 "Expiration and Caching").
 */
import type { Clock } from '../clock.js';
import { epochSeconds } from '../clock.js';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import {
  checkStatusListToken,
  readStatus,
  STATUS_LIST_JWT_MEDIA_TYPE,
  STATUS_LIST_JWT_TYP,
} from '../formats/status-list/status-list-token.js';
import type { StatusList } from '../formats/status-list/status-list-codec.js';
import type { StatusListReference } from '../formats/status-list/status-list-reference.js';
import { FetchFailed, fetchText, FetchTooLarge, type Fetcher } from './fetch-json.js';
import type { IssuerTrust } from './issuer-trust.js';
import { verifyJwsByX5c, type IssuerCaAnchor } from '../formats/x509/verify-jws-x5c.js';
import type { FormatErrorCode } from '../formats/error-codes.js';

/** Refusals of a status list token's x5c that keep their own code (the rest: signature invalid). */
const X5C_CODES: ReadonlySet<string> = new Set<FormatErrorCode>([
  'issuer_certificate_invalid',
  'issuer_certificate_untrusted',
  'issuer_certificate_expired',
  'issuer_certificate_usage_invalid',
  'issuer_certificate_san_mismatch',
]);

/** Used when a list names no `ttl`; also the longest we keep any list. */
const DEFAULT_TTL_SECONDS = 60;
const MAX_TTL_SECONDS = 3600;
/** A list whose ttl is below this is still kept this long (§11.5: a tiny ttl must not make every verification a fetch). */
const MIN_TTL_SECONDS = 5;
const MAX_CACHED_LISTS = 256;
/** An own list's token is verified again after this long, so a key retired since is noticed. */
const OWN_RECHECK_MS = 5000;

export class StatusCheckFailed extends AppError {
  /** Any catalogued code: a status list fault seen while verifying is a failed check (400). */
  constructor(code: ErrorCode, message: string) {
    super(code, message, { status: 400 });
  }
}

interface CachedList {
  list: StatusList;
  until: number;
}

export class StatusChecker {
  /** Other issuers' lists, by issuer AND uri: a list is only ever the one its own issuer signed. */
  private cache = new Map<string, CachedList>();
  /** Fetches under way, by the same key: concurrent verifications of one cold list share one fetch. */
  private loading = new Map<string, Promise<StatusList>>();
  /** Our own lists: the last token seen per URI and what checking it gave. */
  private own = new Map<string, { token: string; list: StatusList; iat: number; exp?: number; checkedAt: number }>();

  constructor(
    private readonly o: {
      trust: IssuerTrust;
      /** Issuer CAs a token's `x5c` may lead to (issuer-ca-anchors.ts); unset: none. */
      issuerCaAnchors?: () => readonly IssuerCaAnchor[];
      fetch: Fetcher;
      clock: Clock;
      skewSeconds: number;
      /** `${PUBLIC_URL}/status/`: lists this service publishes. */
      ownPrefix: string;
      readOwn: (listId: string) => Promise<string>;
    },
  ) {}

  /** The status value (0 valid, 1 invalid, 2 suspended, …) of `ref` in a list issued by `iss`. */
  async read(ref: StatusListReference, iss: string): Promise<number> {
    const list = await this.listFor(ref.uri, iss);
    try {
      return readStatus(list, ref.idx); // §8.3 step 6
    } catch (e) {
      throw new StatusCheckFailed(isAppError(e) ? e.code : 'status_index_out_of_range', 'the index is outside the status list');
    }
  }

  private async listFor(uri: string, iss: string): Promise<StatusList> {
    const own = iss === this.o.trust.ownIssuer && uri.startsWith(this.o.ownPrefix);
    if (own) {
      const listId = uri.slice(this.o.ownPrefix.length);
      let token: string;
      try {
        token = await this.o.readOwn(listId);
      } catch (e) {
        if (isAppError(e) && e.status === 404) throw new StatusCheckFailed('status_list_unreachable', 'our status list is not there');
        throw e;
      }
      const seen = this.own.get(uri);
      if (seen && seen.token === token && this.o.clock.now() - seen.checkedAt < OWN_RECHECK_MS) {
        this.checkTimes(seen.iat, seen.exp);
        return seen.list;
      }
      const checked = await this.checkToken(token, uri, iss);
      if (this.own.size >= MAX_CACHED_LISTS) this.own.delete(this.own.keys().next().value!);
      this.own.set(uri, {
        token,
        list: checked.list,
        iat: checked.iat,
        ...(checked.exp !== undefined && { exp: checked.exp }),
        checkedAt: this.o.clock.now(),
      });
      return checked.list;
    }
    // Cached by issuer AND uri, so one issuer's credential never gets another issuer's list; an
    // entry is only stored once its pair passed the origin check below, so a hit needs no check
    // (and no URL parsing on this hot path).
    const key = `${iss} ${uri}`;
    const hit = this.cache.get(key);
    if (hit && this.o.clock.now() < hit.until) return hit.list;
    // SSRF guard: only lists on the web origin of the (trusted) issuer that signed the credential.
    // An issuer known by its certificate alone (an mdoc under a trusted IACA: `x509_hash:…`) has
    // no web origin, so no list is fetched for it and its credential gets no "valid" verdict.
    const issuerOrigin = webOrigin(iss);
    if (issuerOrigin === undefined)
      throw new StatusCheckFailed(
        'status_list_uri_untrusted',
        'the issuer is known by its certificate, not by a web origin, so its status list is not fetched',
      );
    if (webOrigin(uri) !== issuerOrigin) {
      throw new StatusCheckFailed('status_list_uri_untrusted', "the status list is not on the issuer's origin");
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.fetchList(uri, iss, key).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Fetches, checks and caches another issuer's list. */
  private async fetchList(uri: string, iss: string, key: string): Promise<StatusList> {
    let token: string;
    try {
      token = (await fetchText(this.o.fetch, uri, STATUS_LIST_JWT_MEDIA_TYPE)).trim(); // §8.1
    } catch (e) {
      // Over the fetch cap: reading stopped there, and the answer says so (not "unreachable").
      if (e instanceof FetchTooLarge)
        throw new StatusCheckFailed('status_list_too_large', 'the status list token is larger than we accept');
      throw new StatusCheckFailed('status_list_unreachable', 'the status list could not be fetched');
    }
    const checked = await this.checkToken(token, uri, iss);
    const ttl = Math.max(MIN_TTL_SECONDS, Math.min(checked.ttl ?? DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS));
    const until = Math.min(this.o.clock.now() + ttl * 1000, checked.exp !== undefined ? checked.exp * 1000 : Infinity);
    if (this.cache.size >= MAX_CACHED_LISTS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { list: checked.list, until });
    return checked.list;
  }

  private async checkToken(
    token: string,
    uri: string,
    iss: string,
  ): Promise<{ list: StatusList; iat: number; ttl?: number; exp?: number }> {
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      const jws = parseCompactJws(token);
      // §5.1: explicit typing; §8.3 step 2: the signature is checked with a key of the issuer:
      // HAIP 1.0 §7: the certified key of its `x5c` (to a trusted issuer CA, naming `iss`), or
      // without x5c a key of the issuer's JWKS.
      const verified =
        jws.header.x5c !== undefined
          ? await verifyJwsByX5c(jws, {
              iss,
              anchors: this.o.issuerCaAnchors?.() ?? [],
              now: this.o.clock.now(),
              expectedTyp: STATUS_LIST_JWT_TYP,
            })
          : await verifyCompactJws(jws, { resolveKey: (l) => this.o.trust.resolveKey({ ...l, iss }), expectedTyp: STATUS_LIST_JWT_TYP });
      ({ header, payload } = verified);
    } catch (e) {
      // The issuer's keys could not be fetched: say so, as the credential's own check does.
      if (e instanceof FetchFailed) throw new StatusCheckFailed('issuer_keys_unreachable', 'the issuer keys could not be fetched');
      if (isAppError(e) && X5C_CODES.has(e.code))
        throw new StatusCheckFailed(e.code, "the status list token's certificate is not acceptable");
      const code = isAppError(e) && e.code === 'jws_typ_mismatch' ? 'status_list_token_bad_typ' : 'status_list_signature_invalid';
      throw new StatusCheckFailed(code, 'the status list token does not verify');
    }
    try {
      const checked = checkStatusListToken({ header, payload, uri, clock: this.o.clock, clockToleranceSeconds: this.o.skewSeconds });
      this.checkTimes(checked.iat, undefined);
      return checked;
    } catch (e) {
      if (e instanceof StatusCheckFailed) throw e;
      throw new StatusCheckFailed(isAppError(e) ? e.code : 'status_list_malformed', 'the status list token is not acceptable');
    }
  }

  /** The time checks of §8.3 step 4, for a token checked before: `iat` not ahead, `exp` not past. */
  private checkTimes(iat: number, exp: number | undefined): void {
    const now = epochSeconds(this.o.clock);
    // §8.3 step 4b: `iat` in the future beyond skew means the list cannot be trusted yet.
    if (iat > now + this.o.skewSeconds) throw new StatusCheckFailed('status_list_token_bad_claim', 'iat in the future');
    if (exp !== undefined && now >= exp + this.o.skewSeconds)
      throw new StatusCheckFailed('status_list_token_expired', 'the status list token has expired');
  }
}

/** The origin of an http(s) URL; undefined for anything else (an opaque origin is "null" for every such URL alike). */
function webOrigin(s: string): string | undefined {
  const u = URL.parse(s);
  return u && (u.protocol === 'https:' || u.protocol === 'http:') ? u.origin : undefined;
}
