/**
 * Issuing one credential, as a story: check the type and the caller's right to it → validate
 * the claims → derive the age predicates → check the holder key and the validity → take a
 * random status slot → sign → record metadata (never claim values). Used by POST /v1/credentials
 * and by the OpenID4VCI credential endpoint.
 */
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { randomUUID, hash } from 'node:crypto';
import type { JWK } from 'jose';
import type { Store } from '../store/store.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { CredentialRecord } from '../store/repositories/credentials-repo.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Clock } from '../clock.js';
import { systemRandom } from '../random-source.js';
import type { Catalog, CredentialFormat, CredentialType } from '../catalog/types.js';
import type { StatusSlots, StatusSlot } from '../status/status-slots.js';
import type { Signer, SigningAlg } from '../keys/signer.js';
import { AppError, badRequest, forbidden, isAppError } from '../errors.js';
import { validateClaims } from '../catalog/validate-claims.js';
import { deriveClaims } from '../catalog/derive-claims.js';
import { digestPadding } from '../catalog/padding.js';
import { checkHolderJwk } from '../formats/sd-jwt-vc/check-sd-jwt-vc.js';
import { credentialFormat, DEFAULT_FORMAT, type RegisteredFormat } from '../formats/registry.js';
import { STATUS_VALID } from '../formats/status-list/status-list-status-types.js';
import type { JsonObject } from '../formats/jose/types.js';

export interface IssuanceDeps {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  catalog: Catalog;
  slots: StatusSlots;
  issuer: string;
  alg: SigningAlg;
}

export interface IssueRequest {
  type: string;
  claims: unknown;
  format?: string;
  holderJwk?: unknown;
  /** RFC 3339 date-time; default: the type's default validity. */
  validUntil?: string;
}

export interface IssuedCredential {
  id: string;
  format: CredentialFormat;
  credential: string;
  status: { list: string; index: number };
  issuedAt: number;
  expiresAt: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Slot collisions tolerated for one issuance before giving up (each retry picks a new random index). */
export const MAX_SLOT_TRIES = 16;

/** A type, and the format (with its adapter) it is asked in; only formats with an adapter are issued. */
export function resolveType(
  catalog: Catalog,
  client: ApiClient | null,
  typeId: string,
  format: string | undefined,
): { type: CredentialType; format: CredentialFormat; adapter: RegisteredFormat } {
  const type = catalog.get(typeId);
  if (!type) throw badRequest('unknown_credential_type', `no credential type "${typeId}"; GET /v1/credential-types lists them`);
  if (client && client.types !== null && !client.types.includes(type.id)) {
    throw forbidden('type_not_allowed', `this client may not issue ${type.id}`);
  }
  const f = (format ?? DEFAULT_FORMAT) as CredentialFormat;
  const adapter = credentialFormat(f);
  if (!type.formats.includes(f) || !adapter) {
    throw badRequest(
      'unsupported_format',
      `${type.id} is issued as ${type.formats.filter((x) => credentialFormat(x)).join(' or ')}, not ${String(format)}`,
    );
  }
  return { type, format: f, adapter };
}

/**
 * Holder key: a public EC P-256 or Ed25519 key someone holds the private half of (we verify its
 * KB-JWTs), in its one canonical encoding (checkPublicJwk). `jkt` is the RFC 7638 thumbprint of
 * those canonical members, so two spellings of one key can never pass as two keys.
 */
export function checkHolderKey(jwk: unknown): { jwk: JWK; jkt: string } {
  let pub: JWK;
  try {
    pub = checkHolderJwk(jwk, { torsionFree: true });
  } catch (e) {
    throw badRequest('invalid_holder_jwk', isAppError(e) ? e.message : 'holder_jwk is not a public EC P-256 or Ed25519 JWK');
  }
  return { jwk: pub, jkt: jwkThumbprint(pub) };
}

/** Validity window: from now (rounded down to the hour, so batch credentials share it) to valid_until or the default. */
export function validityWindow(type: CredentialType, now: number, validUntil: string | undefined): { iat: number; exp: number } {
  const iat = Math.floor(now / HOUR) * HOUR;
  if (validUntil === undefined) return { iat, exp: iat + type.validity.defaultDays * DAY };
  const t = Date.parse(validUntil);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(validUntil) || Number.isNaN(t))
    throw badRequest('invalid_valid_until', 'valid_until must be an RFC 3339 date-time');
  if (t <= now) throw badRequest('valid_until_in_past', 'valid_until must be in the future');
  if (t > now + type.validity.maxDays * DAY)
    throw badRequest('valid_until_too_late', `${type.id} is valid for at most ${type.validity.maxDays} days`);
  return { iat, exp: t };
}

/**
 * The holder key fits the format: an mdoc (ISO/IEC 18013-5 §9.1.2.4 deviceKeyInfo) is always bound,
 * to a P-256 key; the JOSE formats take any key checkHolderKey accepts, or none.
 */
export function checkHolderKeyForFormat(adapter: RegisteredFormat, jwk: JWK | undefined): void {
  if (!adapter.acceptsHolderKey) return;
  if (!jwk || !adapter.acceptsHolderKey(jwk))
    throw badRequest('invalid_holder_jwk', `${adapter.id} credentials are bound to a holder key: send holder_jwk, a public EC P-256 key`);
}

/** The key a format signs with: the document signer and its x5chain for mdoc, else the JWS key of `alg`. */
export function signingKeyOf(
  keys: KeyRing,
  adapter: RegisteredFormat,
  alg: SigningAlg,
): { signer: Signer; x5chain?: readonly Uint8Array[] } {
  return adapter.documentSigned ? keys.documentSigner() : { signer: keys.signer(alg) };
}

export async function issueCredential(deps: IssuanceDeps, client: ApiClient, req: IssueRequest): Promise<IssuedCredential> {
  return prepareIssuance(deps, client, req).issue(req.holderJwk);
}

/** A credential signed for a status slot, and the record that holds that slot once it is stored. */
export interface SignedCredential {
  issued: IssuedCredential;
  record: CredentialRecord;
}

export interface PreparedIssuance {
  /** Signs and records one credential (group-committed), another slot while the one picked is taken. */
  issue(holderJwk: unknown, id?: string): Promise<IssuedCredential>;
  /** Signs one credential for a newly picked slot; its record is for the caller's own unit to store. */
  sign(holderJwk: unknown, id?: string): Promise<SignedCredential>;
}

/**
 * Everything one request's credentials share, checked and derived once: the type and the
 * caller's right to it, the claims, the age predicates, the validity and the signing key. A
 * batch (OpenID4VCI §8.3) then issues per holder key.
 */
export function prepareIssuance(deps: IssuanceDeps, client: ApiClient, req: Omit<IssueRequest, 'holderJwk'>): PreparedIssuance {
  const { type, format, adapter } = resolveType(deps.catalog, client, req.type, req.format);
  const claims = validateClaims(type, req.claims);
  const now = deps.clock.now();
  const subject: JsonObject = { ...claims, ...deriveClaims(type, claims, { today: now }) } as JsonObject;
  const padTo = digestPadding(type);
  // After the first holder key's checks, so refusals come in the order a single issuance gives them.
  let shared: { iat: number; exp: number; signer: Signer; x5chain?: readonly Uint8Array[] } | undefined;
  const signer = (holderJwk: unknown, id: string) => {
    const holder = holderJwk === undefined ? undefined : checkHolderKey(holderJwk);
    checkHolderKeyForFormat(adapter, holder?.jwk);
    shared ??= { ...validityWindow(type, now, req.validUntil), ...signingKeyOf(deps.keys, adapter, deps.alg) };
    const p: SignInSlot = { type, format, adapter, subject, now, padTo, holder, id, ...shared };
    return async () => signInSlot(deps, client, p, await deps.slots.pick());
  };
  return {
    issue: async (holderJwk, id = randomUUID()) => {
      const sign = signer(holderJwk, id);
      for (let attempt = 0; attempt < MAX_SLOT_TRIES; attempt++) {
        const signed = await sign();
        if (await deps.store.credentials.insertInSlot(signed.record)) {
          deps.slots.succeeded();
          return signed.issued;
        }
        await deps.slots.collided(signed.record.status_list);
      }
      throw slotsExhausted();
    },
    sign: async (holderJwk, id = randomUUID()) => signer(holderJwk, id)(),
  };
}

export const slotsExhausted = (): AppError => new AppError('status_slots_exhausted', 'no free status slot was found; try again');

interface SignInSlot {
  type: CredentialType;
  format: CredentialFormat;
  adapter: RegisteredFormat;
  subject: JsonObject;
  iat: number;
  exp: number;
  now: number;
  signer: Signer;
  x5chain?: readonly Uint8Array[];
  padTo: ReturnType<typeof digestPadding>;
  holder: { jwk: JWK; jkt: string } | undefined;
  id: string;
}

async function signInSlot(deps: IssuanceDeps, client: ApiClient, p: SignInSlot, slot: StatusSlot): Promise<SignedCredential> {
  const { type, format, adapter, subject, iat, exp, now, signer, x5chain, padTo, holder, id } = p;
  const credential = await adapter.buildCredential({
    issuer: deps.issuer,
    type,
    claims: subject,
    issuedAt: iat,
    expiresAt: exp,
    ...(holder && { holderJwk: holder.jwk }),
    status: { idx: slot.idx, uri: slot.uri },
    padTo,
    signer,
    ...(x5chain && { x5chain }),
    random: systemRandom,
  });
  return {
    issued: { id, format, credential, status: { list: slot.uri, index: slot.idx }, issuedAt: now, expiresAt: exp },
    record: {
      id,
      type: type.id,
      format,
      status_list: slot.list,
      status_idx: slot.idx,
      status: STATUS_VALID,
      kid: signer.kid,
      holder_jkt: holder?.jkt ?? null,
      client_id: client.id,
      issued_at: now,
      expires_at: exp,
      credential_hash: hash('sha256', credential, 'base64url'),
      status_changed_at: null,
      notification_id: null,
    },
  };
}
