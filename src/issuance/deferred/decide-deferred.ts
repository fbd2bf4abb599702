/**
 * The agency's side of deferred issuance (back office, issuer clients): list its transactions,
 * complete one (optionally with the claims it now has, validated against the type's schema now)
 * or refuse it. Only the client that made the offer sees or decides its transactions.
 */
import type { ApiClient } from '../../store/repositories/clients-repo.js';
import type { VciDeferredRecord } from '../../store/repositories/vci-issuance-repo.js';
import { conflict, notFound } from '../../errors.js';
import { validateClaims } from '../../catalog/validate-claims.js';
import { resolveConfiguration } from '../build-issuer-metadata.js';
import type { VciDeps } from '../vci-deps.js';
import { sealDeferredClaims } from './deferred-claims-seal.js';

export interface DeferredView {
  id: string;
  credential_configuration_id: string;
  state: 'pending' | 'completed' | 'refused' | 'collected' | 'expired';
  holder_keys: number;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  collected_at: string | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

export function viewDeferred(r: VciDeferredRecord, now: number): DeferredView {
  const expired = r.expires_at <= now && (r.state === 'pending' || r.state === 'completed');
  return {
    id: r.id,
    credential_configuration_id: r.configuration_id,
    state: expired ? 'expired' : r.state,
    holder_keys: (JSON.parse(r.holder_jwks) as unknown[]).length,
    created_at: iso(r.created_at) as string,
    expires_at: iso(r.expires_at) as string,
    decided_at: iso(r.decided_at),
    collected_at: iso(r.collected_at),
  };
}

async function ownPending(deps: VciDeps, client: ApiClient, id: string): Promise<VciDeferredRecord> {
  const r = await deps.store.vciIssuance.deferred(id);
  if (!r || r.client_id !== client.id) throw notFound('deferred_not_found', 'no such deferred issuance of this client');
  if (r.state !== 'pending' || r.expires_at <= deps.clock.now())
    throw conflict('deferred_already_decided', 'this deferred issuance was already completed or refused, or has expired');
  return r;
}

export async function listDeferred(deps: VciDeps, client: ApiClient, limit: number): Promise<DeferredView[]> {
  const now = deps.clock.now();
  return (await deps.store.vciIssuance.listDeferred(client.id, limit)).map((r) => viewDeferred(r, now));
}

export async function completeDeferred(deps: VciDeps, client: ApiClient, id: string, claims: unknown): Promise<DeferredView> {
  const r = await ownPending(deps, client, id);
  let text = r.claims;
  if (claims !== undefined) {
    const configuration = resolveConfiguration(deps.catalog, r.configuration_id);
    if (!configuration) throw conflict('deferred_already_decided', 'the credential configuration is no longer in the catalogue');
    // Sealed to the transaction's public key: the agency cannot open what it stores (deferred-claims-seal.ts).
    text = await sealDeferredClaims(JSON.stringify(validateClaims(configuration.type, claims)), r.claims_key ?? null);
  }
  const now = deps.clock.now();
  if (text === null || !(await deps.store.vciIssuance.decideDeferred(id, 'completed', text, now)))
    throw conflict('deferred_already_decided', 'this deferred issuance was already completed or refused, or has expired');
  return viewDeferred({ ...r, state: 'completed', decided_at: now }, now);
}

export async function refuseDeferred(deps: VciDeps, client: ApiClient, id: string): Promise<DeferredView> {
  const r = await ownPending(deps, client, id);
  const now = deps.clock.now();
  if (!(await deps.store.vciIssuance.decideDeferred(id, 'refused', null, now)))
    throw conflict('deferred_already_decided', 'this deferred issuance was already completed or refused, or has expired');
  return viewDeferred({ ...r, state: 'refused', decided_at: now }, now);
}
