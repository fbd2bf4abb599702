/**
 * Key life cycle, shared by the CLI and the admin HTTP routes:
 * generate (first key of an algorithm) → rotate (new active, old retiring) → retire.
 */
import type { Store } from '../store/store.js';
import type { Clock } from '../clock.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { SigningAlg } from './signer.js';
import type { GeneratedKey, KeyBackend } from './key-backend.js';
import { displacedBy, type KeyRecord } from '../store/repositories/keys-repo.js';
import { certifyNewKey, type IssuerCertificateProfile } from './manage-issuer-certificates.js';
import { PKCS11_REF_PREFIX } from './pkcs11/key-ref.js';

export interface KeyDeps {
  store: Store;
  keyStore: KeyBackend;
  clock: Clock;
  /** Who asked, for the audit trail ("cli", or an admin client id). */
  actor: string;
  /** Set: a new JWT key is certified under the active issuer CA, if there is one (HAIP 1.0 §6.1.1). */
  issuerProfile?: IssuerCertificateProfile;
}

/** A unique index refused the write: PostgreSQL 23505, SQLite's constraint error. */
export const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/.test(err.message ?? '');
};

/**
 * For the CLI: the key folder and passphrase (or HSM) a command that makes keys runs with must be
 * the servers'. A key made with another would be written where no server reads it, or under a
 * passphrase none knows, yet become active in the store they share, and every node would stop
 * signing (its key ring cannot load it: 503 key_states_stale) until it is retired. So among the
 * keys in use (active or retiring) held by this command's kind of backend, at least one must open
 * here. None of that kind is a first run, or a move to an HSM (README: rotate with
 * KEY_BACKEND=pkcs11 to replace file keys). `force` (rotate --force) passes for keys whose files
 * are lost for good. The server and the admin route run with the servers' own backend.
 */
export async function assertOpensServersKeys(deps: Pick<KeyDeps, 'store' | 'keyStore'>, force = false): Promise<void> {
  if (force) return;
  const inHsm = (k: { file: string }) => k.file.startsWith(PKCS11_REF_PREFIX);
  const inUse = (await deps.store.keys.list()).filter((k) => k.state !== 'retired' && inHsm(k) === (deps.keyStore.name === 'pkcs11'));
  if (inUse.length === 0) return;
  for (const k of inUse) {
    try {
      await deps.keyStore.load(k);
      return;
    } catch {
      /* try the next one */
    }
  }
  throw conflict(
    'key_store_mismatch',
    `${deps.keyStore.name === 'file' ? 'KEYS_DIR and DPROOF_KEY_PASSPHRASE' : 'the PKCS#11 token and PIN'} here open none of the keys in use (${inUse
      .map((k) => k.kid)
      .join(', ')}): run this with the servers' ${deps.keyStore.name === 'file' ? 'key folder and passphrase (or, if those key files are lost for good, rotate with --force)' : 'token'}`,
  );
}

/** Creates the first active key of an algorithm; refuses when one is already active. */
export async function generateKey(deps: KeyDeps, alg: SigningAlg): Promise<KeyRecord> {
  const existing = (await deps.store.keys.list()).find((k) => k.alg === alg && k.state === 'active');
  if (existing) throw conflict('key_already_active', `an active ${alg} key exists (${existing.kid}); use "keys rotate" to replace it`);
  const key = await deps.keyStore.generate(alg);
  const at = deps.clock.now();
  try {
    await insertFirst(deps, key, at);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('key_already_active', `another node activated an ${alg} key at the same time; use "keys list"`);
    throw e;
  }
  await deps.store.audit.record({ at, actor: deps.actor, action: 'key.generate', subject: `key:${key.kid}`, detail: { alg } });
  return (await deps.store.keys.get(key.kid)) as KeyRecord;
}

/** The row of a new JWT key, with its issuer certificate when an issuer CA is active. */
async function newKeyRow(deps: KeyDeps, key: GeneratedKey, at: number) {
  const issuerX5c = await certifyNewKey(deps, key.publicJwk, deps.issuerProfile);
  return { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk as Record<string, unknown>, file: key.file, createdAt: at, ...(issuerX5c && { issuerX5c }) };
}

async function insertFirst(deps: KeyDeps, key: GeneratedKey, at: number) {
  // activate() moves a current active key to retiring; generateKey checked there is none, and the
  // unique index refuses a second active key if another node raced us.
  await deps.store.keys.activate(await newKeyRow(deps, key, at), at);
}

export interface RotateOptions {
  /**
   * handoverWindowMs(KEY_REFRESH_MS, JWKS_MAX_AGE) of the running nodes. Inside the handover of
   * the last rotation, nodes still sign with the key before the active one, and verifiers may
   * hold JWKS copies without the active one: rotating again would make the nodes sign with it at
   * once (it becomes the displaced key), so that is refused unless forced.
   */
  handoverMs: number;
  /** Rotate inside a handover anyway (a key to replace at once): verifiers may refuse for a while. */
  force?: boolean;
}

/** Makes a new key active and moves the old one to retiring (it keeps verifying). */
export async function rotateKey(
  deps: KeyDeps,
  alg: SigningAlg,
  opts: RotateOptions,
): Promise<{ active: KeyRecord; retiring: string | undefined }> {
  if (!opts.force) await refuseInsideHandover(deps, alg, opts.handoverMs);
  // The key file is written before the metadata commits: a crash in between leaves an unused
  // file and the old key still active, never a row without its key.
  const key = await deps.keyStore.generate(alg);
  const at = deps.clock.now();
  let previous: string | undefined;
  try {
    ({ previous } = await deps.store.keys.activate(await newKeyRow(deps, key, at), at));
  } catch (e) {
    // Two rotations at once (two operators, two nodes): the unique index lets one key be active.
    if (isUniqueViolation(e)) throw conflict('key_state_changed', `another rotation of the ${alg} key ran at the same time; run "keys list", then rotate again if needed`);
    throw e;
  }
  await deps.store.audit.record({ at, actor: deps.actor, action: 'key.rotate', subject: `key:${key.kid}`, detail: { alg, previous: previous ?? null } });
  return { active: (await deps.store.keys.get(key.kid)) as KeyRecord, retiring: previous };
}

export interface RetireOptions {
  force?: boolean;
  /**
   * The key's private half is known or feared to be exposed: retire it at once, neither waiting
   * out the handover nor sparing credentials it signed. The running nodes stop publishing it and
   * sign with the active key from their next poll (KEY_REFRESH_MS); everything it signed stops
   * verifying, which is the point, and verifiers that cached the JWKS before the rotation may
   * refuse new credentials until their copy expires (JWKS_MAX_AGE).
   */
  compromised?: boolean;
  /** Latest expiry (ms) of anything the key signed, or null when nothing signed by it is valid. */
  latestExpiry?: (kid: string) => Promise<number | null>;
  /**
   * handoverWindowMs(KEY_REFRESH_MS, JWKS_MAX_AGE) of the running nodes: a node that has not polled since the
   * rotation may still sign with the displaced key for this long, so retiring waits it out, even
   * with force (force is about credentials already signed, not about signing more). Required, so
   * no caller retires without saying how long the nodes' handover lasts (0 only for one node that
   * re-reads its keys at once, as in tests).
   */
  handoverMs: number;
}

async function refuseInsideHandover(deps: KeyDeps, alg: SigningAlg, handoverMs: number): Promise<void> {
  const keys = await deps.store.keys.list();
  const active = keys.find((k) => k.alg === alg && k.state === 'active');
  // Only an active key that took over from another (not the first of its algorithm) has a handover.
  if (!active || active.activatedAt === null || !displacedBy(keys, active)) return;
  const handoverEnds = active.activatedAt + handoverMs;
  if (deps.clock.now() < handoverEnds) {
    throw conflict(
      'rotation_in_handover',
      `the ${alg} key ${active.kid} became active at ${new Date(active.activatedAt).toISOString()} and nodes sign with it only from ${new Date(handoverEnds).toISOString()}; rotate after that, or with --force (verifiers that cached the JWKS before it may refuse new credentials until then)`,
    );
  }
}

/** retiring → retired. Refuses an active key, and a key whose credentials have not all expired (unless forced). */
export async function retireKey(
  deps: KeyDeps,
  kid: string,
  opts: RetireOptions,
): Promise<{ key: KeyRecord; forced: boolean; compromised: boolean }> {
  const key = await deps.store.keys.get(kid);
  if (!key) throw notFound('key_not_found', `no key with kid ${kid}`);
  if (key.state === 'active') throw conflict('key_active', `key ${kid} is the active ${key.alg} key; run "keys rotate" first so it becomes retiring`);
  if (key.state === 'retired') throw conflict('key_already_retired', `key ${kid} is already retired`);
  const now = deps.clock.now();
  const until = opts.latestExpiry ? await opts.latestExpiry(kid) : null;
  const stillUsed = until !== null && until > now;
  const compromised = opts.compromised === true;
  if (stillUsed && !opts.force && !compromised) {
    throw new AppError('key_still_in_use', `key ${kid} signed credentials valid until ${new Date(until).toISOString()}; retiring it now makes them unverifiable (use --force to do it anyway)`);
  }
  const signableUntil = (key.retiringAt ?? 0) + opts.handoverMs;
  if (now < signableUntil && !compromised) {
    throw conflict('key_in_handover', `key ${kid} was displaced at ${new Date(key.retiringAt ?? 0).toISOString()} and nodes may still sign with it until ${new Date(signableUntil).toISOString()}; retire it after that`);
  }
  if (!(await deps.store.keys.retire(kid, now))) throw conflict('key_state_changed', `key ${kid} changed state meanwhile; run "keys list"`);
  await deps.store.audit.record({ at: now, actor: deps.actor, action: 'key.retire', subject: `key:${kid}`, detail: { forced: stillUsed, compromised } });
  return { key: (await deps.store.keys.get(kid)) as KeyRecord, forced: stillUsed, compromised };
}

/** First run: make sure there is an active key of the configured algorithm. */
export async function ensureActiveKey(deps: KeyDeps, alg: SigningAlg): Promise<KeyRecord | undefined> {
  const exists = (await deps.store.keys.list()).some((k) => k.alg === alg && k.state === 'active');
  if (exists) return undefined;
  try {
    return await generateKey(deps, alg);
  } catch (e) {
    // Two nodes starting on an empty store at once: one wins, the other uses its key.
    if (e instanceof AppError && e.code === 'key_already_active') return undefined;
    throw e;
  }
}
