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

export type StatusListState = 'open' | 'full';

export interface StatusListsTable {
  id: string;
  bits: number;
  size: number;
  state: StatusListState;
  version: number;
  created_at: number;
}

export interface CredentialsTable {
  id: string;
  type: string;
  format: string;
  status_list: string;
  status_idx: number;
  /** Token Status List value: 0 valid, 1 invalid (revoked), 2 suspended. */
  status: number;
  kid: string;
  /** RFC 7638 thumbprint of the holder key, when bound. */
  holder_jkt: string | null;
  client_id: string;
  issued_at: number;
  expires_at: number;
  /** SHA-256 (base64url) of the issued credential as handed out. */
  credential_hash: string;
  status_changed_at: number | null;
}

export interface Database {
  signing_keys: SigningKeysTable;
  api_clients: ApiClientsTable;
  audit_events: AuditEventsTable;
  status_lists: StatusListsTable;
  credentials: CredentialsTable;
}
