import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './dialect.js';
import { openDatabase, type DatabaseOptions } from './open-database.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';
import { keysRepo } from './repositories/keys-repo.js';
import { clientsRepo } from './repositories/clients-repo.js';
import { auditRepo } from './repositories/audit-repo.js';
import { credentialsRepo } from './repositories/credentials-repo.js';
import { statusListsRepo } from './repositories/status-lists-repo.js';
import { vciRepo } from './repositories/vci-repo.js';
import { vciIssuanceRepo } from './repositories/vci-issuance-repo.js';
import { verifierRequestsRepo } from './repositories/verifier-requests-repo.js';
import { receiptsRepo } from './repositories/receipts-repo.js';
import { noncesRepo } from './repositories/nonces-repo.js';
import { engagementsRepo } from './repositories/engagements-repo.js';
import { verifierIdentitiesRepo } from './repositories/verifier-identities-repo.js';
import { responseKeysRepo } from './repositories/response-keys-repo.js';
import { vciRequestKeysRepo } from './repositories/vci-request-keys-repo.js';
import { authorizationRequestsRepo } from './repositories/authorization-requests-repo.js';
import { refreshTokensRepo } from './repositories/refresh-tokens-repo.js';
import { serviceSecretsRepo } from './repositories/service-secrets-repo.js';

/** The repository layer: one object per table family, the same on SQLite and PostgreSQL. */
export interface Store {
  readonly dialect: Dialect;
  readonly location: string;
  readonly db: Kysely<Database>;
  readonly keys: ReturnType<typeof keysRepo>;
  readonly clients: ReturnType<typeof clientsRepo>;
  readonly audit: ReturnType<typeof auditRepo>;
  readonly credentials: ReturnType<typeof credentialsRepo>;
  readonly statusLists: ReturnType<typeof statusListsRepo>;
  /** OpenID4VCI offers, pre-authorized codes, access tokens and c_nonces. */
  readonly vci: ReturnType<typeof vciRepo>;
  /** Per-configuration issuance, deferred transactions and notifications (migration 0010). */
  readonly vciIssuance: ReturnType<typeof vciIssuanceRepo>;
  readonly verifierRequests: ReturnType<typeof verifierRequestsRepo>;
  readonly receipts: ReturnType<typeof receiptsRepo>;
  readonly nonces: ReturnType<typeof noncesRepo>;
  /** Holder-shown counter engagement handles. */
  readonly engagements: ReturnType<typeof engagementsRepo>;
  /** X.509 verifier identities (x509_san_dns, x509_hash). */
  readonly verifierIdentities: ReturnType<typeof verifierIdentitiesRepo>;
  readonly responseKeys: ReturnType<typeof responseKeysRepo>;
  /** Keys wallets encrypt OpenID4VCI credential requests to (migration 0015). */
  readonly vciRequestKeys: ReturnType<typeof vciRequestKeysRepo>;
  /** Pushed authorization requests of the Authorization Code Flow (OpenID4VCI §3.4). */
  readonly authorizationRequests: ReturnType<typeof authorizationRequestsRepo>;
  /** OpenID4VCI refresh tokens (RFC 6749 §6, migration 0014). */
  readonly refreshTokens: ReturnType<typeof refreshTokensRepo>;
  /** Random secrets the nodes share: c_nonce MAC key, identity-provider login derivations (migration 0016). */
  readonly serviceSecrets: ReturnType<typeof serviceSecretsRepo>;
  migrate(): Promise<MigrationReport>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openStore(opts: DatabaseOptions): Store {
  const { db, dialect, location, writeUnits, lockTimeoutMs, close } = openDatabase(opts);
  return {
    dialect,
    location,
    db,
    keys: keysRepo(db),
    clients: clientsRepo(db),
    audit: auditRepo(db),
    credentials: credentialsRepo(db, writeUnits),
    statusLists: statusListsRepo(db),
    vci: vciRepo(db, writeUnits),
    vciIssuance: vciIssuanceRepo(db, writeUnits),
    verifierRequests: verifierRequestsRepo(db, writeUnits),
    receipts: receiptsRepo(db, writeUnits),
    nonces: noncesRepo(db, writeUnits),
    engagements: engagementsRepo(db),
    verifierIdentities: verifierIdentitiesRepo(db),
    responseKeys: responseKeysRepo(db),
    vciRequestKeys: vciRequestKeysRepo(db),
    authorizationRequests: authorizationRequestsRepo(db),
    refreshTokens: refreshTokensRepo(db),
    serviceSecrets: serviceSecretsRepo(db),
    migrate: () => migrateToLatest(db as unknown as Kysely<unknown>, dialect),
    ping: async () => {
      if (dialect === 'postgres') {
        await sql`SELECT 1`.execute(db);
        return;
      }
      // SQLite reads go on while another connection holds the write lock, so "answers" means
      // "could write now": take the write lock and let it go, waiting at most 250 ms for it.
      await db.connection().execute(async (c) => {
        await sql`PRAGMA busy_timeout = 250`.execute(c);
        try {
          await sql`BEGIN IMMEDIATE`.execute(c);
          await sql`ROLLBACK`.execute(c);
        } finally {
          await sql`PRAGMA busy_timeout = ${sql.raw(String(lockTimeoutMs))}`.execute(c);
        }
      });
    },
    close,
  };
}
