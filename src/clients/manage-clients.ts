/** API clients: created and revoked by operators (CLI or admin HTTP), used by agencies and verifiers. */
import type { Store } from '../store/store.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { ClientRole } from '../store/schema.js';
import type { Clock } from '../clock.js';
import type { Catalog } from '../catalog/types.js';
import { hasUnsafeCharacters } from '../verdict/unsafe-text.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { newApiKey, newClientId } from './api-key.js';
import { checkLogoUri } from './check-logo-uri.js';

export const CLIENT_ROLES: readonly ClientRole[] = ['issuer', 'verifier', 'admin'];

export interface ClientDeps {
  store: Store;
  clock: Clock;
  actor: string;
}

/** What creating a client checks its type restriction against: the catalogue's type ids. */
export interface NewClientDeps extends ClientDeps {
  catalog: Pick<Catalog, 'get'>;
}

export interface NewClientInput {
  name: string;
  role: string;
  types?: string[] | null;
  /** Requests per minute; 0 = unlimited; undefined = the configured default. */
  rateLimit?: number | null;
  /** A verifier's logo for wallets (client_metadata.logo_uri): https, at most 512 characters. */
  logoUri?: string | null;
}

/** What may be shown about a client: never the key hash. */
export interface ClientView {
  id: string;
  name: string;
  role: ClientRole;
  types: string[] | null;
  rate_limit: number | null;
  created_at: string;
  revoked_at: string | null;
  logo_uri: string | null;
}

export const viewClient = (c: ApiClient): ClientView => ({
  id: c.id,
  name: c.name,
  role: c.role,
  types: c.types,
  rate_limit: c.rateLimit,
  created_at: new Date(c.createdAt).toISOString(),
  revoked_at: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
  logo_uri: c.logoUri ?? null,
});

const TYPE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function checkInput(
  input: NewClientInput,
  catalog: Pick<Catalog, 'get'>,
): {
  name: string;
  role: ClientRole;
  types: string[] | null;
  rateLimit: number | null;
  logoUri: string | null;
} {
  const name = input.name.normalize('NFC').trim();
  if (name.length === 0 || name.length > 200) throw badRequest('invalid_client_name', 'name must be 1 to 200 characters');
  // The name is shown to holders (the consent screen's verifier, receipts): no bidi or control tricks.
  if (hasUnsafeCharacters(name))
    throw badRequest('invalid_client_name', 'name must not contain control, format or bidirectional characters');
  if (!CLIENT_ROLES.includes(input.role as ClientRole)) {
    throw badRequest('invalid_client_role', `role must be one of ${CLIENT_ROLES.join(', ')}`);
  }
  // null (left out): every type. An empty list is refused, not read as "every type": a restriction
  // that names nothing must never widen to everything.
  if (input.types && input.types.length === 0)
    throw badRequest('invalid_client_types', 'types, when given, must name at least one credential type; leave it out for every type');
  const types = input.types ? [...new Set(input.types)] : null;
  if (types && !types.every((t) => TYPE_ID.test(t) && t.length <= 64)) {
    throw badRequest('invalid_client_types', 'types must be credential type ids (kebab-case)');
  }
  const unknown = types?.filter((t) => catalog.get(t) === undefined) ?? [];
  if (unknown.length > 0)
    throw badRequest('invalid_client_types', `types names no credential type of the catalogue: ${unknown.slice(0, 5).join(', ')}`);
  if (types && input.role === 'admin')
    throw badRequest('invalid_client_types', 'an admin client is not restricted to types; leave types out');
  const rl = input.rateLimit ?? null;
  if (rl !== null && (!Number.isInteger(rl) || rl < 0 || rl > 10_000_000)) {
    throw badRequest('invalid_rate_limit', 'rate limit must be a whole number of requests per minute (0 = unlimited)');
  }
  const logoUri = input.logoUri ?? null;
  if (logoUri !== null && input.role !== 'verifier') throw badRequest('invalid_logo_uri', 'only a verifier client has a logo');
  return { name, role: input.role as ClientRole, types, rateLimit: rl, logoUri: logoUri === null ? null : checkLogoUri(logoUri) };
}

/** Returns the API key once; only its hash is stored. */
export async function createClient(deps: NewClientDeps, input: NewClientInput): Promise<{ client: ClientView; apiKey: string }> {
  const c = checkInput(input, deps.catalog);
  const id = newClientId();
  const { apiKey, hash } = newApiKey(id);
  const at = deps.clock.now();
  const client: Omit<ApiClient, 'revokedAt'> = {
    id,
    name: c.name,
    role: c.role,
    types: c.types,
    keyHash: hash,
    rateLimit: c.rateLimit,
    createdAt: at,
    logoUri: c.logoUri,
  };
  await deps.store.clients.insert(client);
  await deps.store.audit.record({ at, actor: deps.actor, action: 'client.create', subject: `client:${id}`, detail: { role: c.role } });
  return { client: viewClient({ ...client, revokedAt: null }), apiKey };
}

export async function listClients(deps: Pick<ClientDeps, 'store'>): Promise<ClientView[]> {
  return (await deps.store.clients.list()).map(viewClient);
}

export async function revokeClient(deps: ClientDeps, id: string): Promise<ClientView> {
  const c = await deps.store.clients.get(id);
  if (!c) throw notFound('client_not_found', `no client with id ${id}`);
  if (c.revokedAt !== null) throw conflict('client_already_revoked', `client ${id} was already revoked`);
  const at = deps.clock.now();
  if (!(await deps.store.clients.revoke(id, at))) throw conflict('client_already_revoked', `client ${id} was already revoked`);
  await deps.store.audit.record({ at, actor: deps.actor, action: 'client.revoke', subject: `client:${id}` });
  return viewClient({ ...c, revokedAt: at });
}
