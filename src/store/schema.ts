/**
 * Table types shared by both back ends. Times are milliseconds since the epoch (bigint columns;
 * the PostgreSQL driver is told to return int8 as a number). JSON is stored as text so the same
 * SQL runs on SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

export type KeyState = 'active' | 'retiring' | 'retired';
export type ClientRole = 'issuer' | 'verifier' | 'admin';

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: KeyState;
  public_jwk: string;
  file: string;
  created_at: number;
  activated_at: number | null;
  retiring_at: number | null;
  retired_at: number | null;
}

export interface ApiClientsTable {
  id: string;
  name: string;
  role: ClientRole;
  /** JSON array of credential type ids this client may issue or ask for; null = all. */
  types: string | null;
  key_hash: string;
  /** Requests per minute; null = the configured default; 0 = unlimited. */
  rate_limit: number | null;
  created_at: number;
  revoked_at: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  subject: string;
  /** JSON object; never holds claim values, tokens or keys. */
  detail: string | null;
}

export interface Database {
  signing_keys: SigningKeysTable;
  api_clients: ApiClientsTable;
  audit_events: AuditEventsTable;
}
