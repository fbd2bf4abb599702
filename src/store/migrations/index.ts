import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.js';
import { keysClientsAudit } from './0001-keys-clients-audit.js';
import { credentialsStatus } from './0002-credentials-status.js';
import { openid4vci } from './0003-openid4vci.js';
import { verifier } from './0004-verifier.js';
import { counterEngagements } from './0005-counter-engagements.js';
import { verifierIdentity } from './0006-verifier-identity.js';
import { verifierResponseEncryption } from './0007-verifier-response-encryption.js';
import { dpopTokenBinding } from './0008-dpop-token-binding.js';
import { authorizationRequests } from './0009-authorization-requests.js';
import { deferredNotifications } from './0010-deferred-notifications.js';
import { deferredDpopBinding } from './0011-deferred-dpop-binding.js';
import { issuerCertificates } from './0012-issuer-certificates.js';
import { verifierLogoSameDevice } from './0013-verifier-logo-same-device.js';
import { sealedDeferredRefreshTokens } from './0014-sealed-deferred-refresh-tokens.js';
import { vciRequestKeys } from './0015-vci-request-keys.js';
import { serviceSecrets } from './0016-service-secrets.js';
import { refreshTokenWalletInstance } from './0017-refresh-token-wallet-instance.js';
import { authorizationDpopJkt } from './0018-authorization-dpop-jkt.js';
import { credentialNotification } from './0019-credential-notification.js';
import { accessTokenFamily } from './0020-access-token-family.js';
import { purgeIndexes } from './0021-purge-indexes.js';
import { credentialListingIndexes } from './0022-credential-listing-indexes.js';
import { deferredListingIndex } from './0023-deferred-listing-index.js';

/**
 * Migrations live in code (not files found at run time) so the compiled server and the tests
 * run exactly the same list. Names sort in the order they apply; never rename or edit one
 * that has shipped: add a new one.
 */
export const migrationProvider = (dialect: Dialect): MigrationProvider => ({
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-keys-clients-audit': keysClientsAudit(dialect),
      '0002-credentials-status': credentialsStatus(dialect),
      '0003-openid4vci': openid4vci(dialect),
      '0004-verifier': verifier(dialect),
      '0005-counter-engagements': counterEngagements(dialect),
      '0006-verifier-identity': verifierIdentity(dialect),
      '0007-verifier-response-encryption': verifierResponseEncryption(dialect),
      '0008-dpop-token-binding': dpopTokenBinding(dialect),
      '0009-authorization-requests': authorizationRequests(dialect),
      '0010-deferred-notifications': deferredNotifications(dialect),
      '0011-deferred-dpop-binding': deferredDpopBinding(dialect),
      '0012-issuer-certificates': issuerCertificates(dialect),
      '0013-verifier-logo-same-device': verifierLogoSameDevice(dialect),
      '0014-sealed-deferred-refresh-tokens': sealedDeferredRefreshTokens(dialect),
      '0015-vci-request-keys': vciRequestKeys(dialect),
      '0016-service-secrets': serviceSecrets(dialect),
      '0017-refresh-token-wallet-instance': refreshTokenWalletInstance(dialect),
      '0018-authorization-dpop-jkt': authorizationDpopJkt(dialect),
      '0019-credential-notification': credentialNotification(dialect),
      '0020-access-token-family': accessTokenFamily(dialect),
      '0021-purge-indexes': purgeIndexes(dialect),
      '0022-credential-listing-indexes': credentialListingIndexes(dialect),
      '0023-deferred-listing-index': deferredListingIndex(dialect),
    };
  },
});
