/**
 * The keys wallets encrypt credential requests to (OpenID4VCI 1.0 §8.2, §9.1, §10; §12.2.4
 * `credential_request_encryption`: `jwks`, each key with a `kid`).
 *
 * Design: a request key must open on every node, and survive restarts, like a signing key. It is
 * a P-256 ECDH-ES key whose private scalar is stored only sealed (AES-256-GCM,
 * keys/seal-private-key.ts) under the operator seal key (keys/operator-seal-key.ts: HKDF of the
 * passphrase or HSM PIN every node already has, under this use's own label) in `vci_request_keys`
 * (migration 0015). Not in the HSM: ECDH through PKCS#11 is not what SoftHSM-backed signers here
 * do, and the key protects a second layer over TLS, so the sealed row is the same protection the
 * verifier's response keys have. The first key is made when first needed (one node wins, a
 * partial unique index keeps one active key); `dproof keys rotate-request-key` makes a new active
 * key and keeps the previous one listed in the metadata and accepted for
 * CREDENTIAL_REQUEST_KEY_GRACE_SECONDS, then purges it. The JWE's `kid` picks the key (§10); any
 * other kid, a purged one included (once KEY_REFRESH_MS has passed), is refused.
 */
import type { KeyObject } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import type { RequestKeyRecord } from '../../store/repositories/vci-request-keys-repo.js';
import { operatorSealKey } from '../../keys/operator-seal-key.js';
import { isUniqueViolation } from '../../keys/manage-keys.js';
import { conflict } from '../../errors.js';
import { newSealedEcdhKey, openSealedEcdhKey, type EcdhPublicJwk } from '../../keys/sealed-ecdh-key.js';
import type { Logger } from 'pino';

export interface RequestKeyDeps {
  store: Pick<Store, 'vciRequestKeys'>;
  config: Config;
  clock: Clock;
  /** Told (once per key) about a stored key this node cannot open: the operator secret changed. */
  log?: Pick<Logger, 'error'>;
}

const SEAL_LABEL = 'dproof openid4vci request-encryption key seal v1';
/** Additional data of every sealed request key (with its kid): a verifier response key's row does not open here. */
const SEAL_OWNER = 'openid4vci-credential-request';

export type PublicRequestKey = EcdhPublicJwk;

function newRequestKey(deps: RequestKeyDeps) {
  const { kid, publicJwk, sealed } = newSealedEcdhKey(operatorSealKey(deps.config, SEAL_LABEL), SEAL_OWNER);
  return { kid, public_jwk: JSON.stringify(publicJwk), sealed_key: sealed, created_at: deps.clock.now() };
}

/** A previous key is usable until its grace period ends. */
const usable = (deps: RequestKeyDeps, r: RequestKeyRecord): boolean =>
  r.state === 'active' || (r.superseded_at ?? 0) + deps.config.requestKeyGraceSeconds * 1000 > deps.clock.now();

/** The listed keys (active first, then previous ones in their grace period); the first key is made here when there is none. */
export async function requestKeys(deps: RequestKeyDeps): Promise<PublicRequestKey[]> {
  let rows = await deps.store.vciRequestKeys.list();
  if (!rows.some((r) => r.state === 'active')) {
    await deps.store.vciRequestKeys.insertFirst(newRequestKey(deps));
    rows = await deps.store.vciRequestKeys.list();
  }
  return rows.filter((r) => usable(deps, r)).map((r) => JSON.parse(r.public_jwk) as PublicRequestKey);
}

/** A new active key; the one it replaces stays usable for the grace period. Purges keys whose grace is over. */
export async function rotateRequestKey(deps: RequestKeyDeps): Promise<{ kid: string; previous: string | undefined }> {
  const now = deps.clock.now();
  await deps.store.vciRequestKeys.purge(now - deps.config.requestKeyGraceSeconds * 1000);
  const key = newRequestKey(deps);
  try {
    const { previous } = await deps.store.vciRequestKeys.rotate(key, now);
    return { kid: key.kid, previous };
  } catch (e) {
    // Two rotations at once (or one beside the first key's creation): the unique index keeps one active key.
    if (isUniqueViolation(e)) {
      throw conflict(
        'key_state_changed',
        'another request-encryption key rotation ran at the same time; run it again if a new key is still needed',
      );
    }
    throw e;
  }
}

/** Opened private keys by sealed text (a sealed text names one key for good), so a busy node unseals each key once. */
const opened = new Map<string, KeyObject>();
const MAX_OPENED = 16;
/** Sealed texts this node failed to open, so the operator is told once, not per request. */
const unopenable = new Set<string>();

/**
 * Rows read by kid, per store, each kept for KEY_REFRESH_MS like the key ring's keys: an encrypted
 * request does not read the table every time. A rotation is seen within KEY_REFRESH_MS (far inside
 * any grace period, and a previous key's end of grace is judged on the cached row too); a row
 * deleted by hand is accepted at most KEY_REFRESH_MS longer. Unknown kids are not remembered, so
 * made-up kids cannot fill the cache.
 */
const rowsByStore = new WeakMap<object, Map<string, { row: RequestKeyRecord; at: number }>>();
const MAX_ROWS = 16;

async function rowByKid(deps: RequestKeyDeps, kid: string): Promise<RequestKeyRecord | undefined> {
  let rows = rowsByStore.get(deps.store);
  if (!rows) rowsByStore.set(deps.store, (rows = new Map()));
  const now = deps.clock.now();
  const hit = rows.get(kid);
  if (hit && now - hit.at < deps.config.keyRefreshMs) return hit.row;
  const row = await deps.store.vciRequestKeys.byKid(kid);
  rows.delete(kid);
  if (row) {
    if (rows.size >= MAX_ROWS) rows.delete(rows.keys().next().value!);
    rows.set(kid, { row, at: now });
  }
  return row;
}

/** The private key `kid` names, or undefined when no usable key has that kid. */
export async function requestKeyByKid(deps: RequestKeyDeps, kid: string): Promise<KeyObject | undefined> {
  const row = await rowByKid(deps, kid);
  if (!row || !usable(deps, row)) return undefined;
  const cached = opened.get(row.sealed_key);
  if (cached) return cached;
  const key = openSealedEcdhKey(
    operatorSealKey(deps.config, SEAL_LABEL),
    SEAL_OWNER,
    kid,
    row.sealed_key,
    JSON.parse(row.public_jwk) as PublicRequestKey,
  );
  if (key === undefined) {
    // Sealed under another operator secret (the passphrase or HSM PIN changed, or nodes disagree):
    // every request encrypted to this key is refused until a key this node can open is made.
    if (!unopenable.has(row.sealed_key)) {
      if (unopenable.size >= MAX_OPENED) unopenable.clear();
      unopenable.add(row.sealed_key);
      deps.log?.error(
        { kid, state: row.state },
        'a credential request encryption key cannot be opened with this node\'s operator secret; run "dproof keys rotate-request-key" with the current secret',
      );
    }
    return undefined;
  }
  if (opened.size >= MAX_OPENED) opened.delete(opened.keys().next().value!);
  opened.set(row.sealed_key, key);
  return key;
}
