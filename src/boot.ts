import { defaultIssuerProfile } from './keys/manage-issuer-certificates.js';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openStore, type Store } from './store/store.js';
import type { KeyBackend } from './keys/key-backend.js';
import { openKeyBackend } from './keys/open-key-backend.js';
import { KeyRing } from './keys/key-ring.js';
import { DEV_PASSPHRASE_WARNING } from './keys/passphrase.js';
import { ensureActiveKey } from './keys/manage-keys.js';
import { systemClock, type Clock } from './clock.js';
import { join } from 'node:path';
import { loadCatalog } from './catalog/load-catalog.js';
import type { Catalog } from './catalog/types.js';
import { schemasDir } from './paths.js';
import { StatusSlots } from './status/status-slots.js';
import { StatusListPublisher } from './status/status-list-publisher.js';
import { startPurgeTimer } from './purge-expired-state.js';
import { ConfigError, type ConfigurationPolicy } from './config.js';
import { resolveConfiguration } from './issuance/build-issuer-metadata.js';
import { loadWalletClients, WalletClientsError, type WalletClients } from './issuance/authorization/wallet-clients.js';
import {
  loadWalletProviders,
  WalletProvidersError,
  type TrustedWalletProviders,
} from './issuance/client-attestation/trusted-wallet-providers.js';

export interface Runtime {
  config: Config;
  store: Store;
  keyStore: KeyBackend;
  keys: KeyRing;
  clock: Clock;
  catalog: Catalog;
  slots: StatusSlots;
  statusPublisher: StatusListPublisher;
  /** Wallet providers whose wallet and key attestations are trusted (TRUSTED_WALLET_PROVIDERS). */
  walletProviders: TrustedWalletProviders;
  /** Wallets registered with their redirect URIs (WALLET_CLIENTS). */
  walletClients: WalletClients;
  /**
   * This service's IACA certificates (PEM or DER) that its mdoc verifier trusts as its own: none
   * until mdoc issuance keeps IACA and document-signer keys (issue 16, issuance half: then
   * `() => keys.iacaCertificates()`).
   */
  ownIacaCertificates: () => readonly (string | Uint8Array)[];
  /** Latest expiry of anything a key signed (retiring a key earlier needs --force). */
  latestExpiry: (kid: string) => Promise<number | null>;
  close(): Promise<void>;
}

/**
 * Opens what the server needs, in order: store → migrations → key backend (passphrase or HSM) → first-run key →
 * key ring. Any failure (bad key file, wrong passphrase, unreachable database) throws with a
 * message naming the cause, and the server refuses to start.
 */
export async function openRuntime(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Runtime> {
  // A bad credential type file stops the server before anything else opens.
  const catalog = await loadCatalog({ dir: join(schemasDir, 'credentials'), publicUrl: config.publicUrl });
  checkConfigurationIds(config, catalog);
  const walletProviders = openWalletProviders(config.trustedWalletProviders);
  const walletClients = openWalletClients(config.walletClients);
  const noWallets = noWalletCanAuthorize(config, walletClients, walletProviders);
  if (noWallets) logger.warn(noWallets);
  const store = openServerStore(config, logger);
  let keyStore: KeyBackend | undefined;
  try {
    keyStore = await migrateAndEnsureKey(store, config, logger, clock);
    const keys = new KeyRing(store, keyStore, logger, clock);
    await keys.refresh();
    keys.startPolling(config);
    const slots = new StatusSlots(store, clock, { publicUrl: config.publicUrl, listSize: config.statusListSize });
    const statusPublisher = new StatusListPublisher(store, clock, {
      publicUrl: config.publicUrl,
      ttlSeconds: config.statusTtlSeconds,
      validitySeconds: config.statusTokenValiditySeconds,
      signer: () => keys.signer(config.keyAlg),
    });
    const purge = startPurgeTimer(store, clock, logger, config.purgeIntervalMs);
    return {
      config,
      store,
      keyStore,
      keys,
      clock,
      catalog,
      slots,
      statusPublisher,
      walletProviders,
      walletClients,
      ownIacaCertificates: () => keys.iacaCertificates(),
      latestExpiry: (kid) => store.credentials.latestExpiryByKid(kid),
      close: async () => {
        keys.stopPolling();
        await purge.stop();
        await keyStore?.close();
        await store.close();
      },
    };
  } catch (e) {
    await keyStore?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}

/**
 * The configuration ids DPOP_REQUIRED, WALLET_/KEY_ATTESTATION_REQUIRED and DEFERRED_CONFIGURATIONS
 * list must name credential configurations of the catalogue: a misspelt one would otherwise
 * require nothing (no DPoP, no attestation) without a word.
 */
function checkConfigurationIds(config: Config, catalog: Catalog): void {
  const lists: [string, ConfigurationPolicy][] = [
    ['DPOP_REQUIRED', config.dpopRequired],
    ['WALLET_ATTESTATION_REQUIRED', config.walletAttestationRequired],
    ['KEY_ATTESTATION_REQUIRED', config.keyAttestationRequired],
    ['DEFERRED_CONFIGURATIONS', config.deferredConfigurations],
  ];
  for (const [name, ids] of lists) {
    if (typeof ids === 'boolean') continue;
    const unknown = ids.find((id) => resolveConfiguration(catalog, id) === undefined);
    if (unknown !== undefined) throw new ConfigError(name, `"${unknown}" is not a credential configuration of the catalogue`);
  }
}

/** A bad TRUSTED_WALLET_PROVIDERS file stops the start like any bad variable. */
function openWalletProviders(path: string | undefined): TrustedWalletProviders {
  try {
    return loadWalletProviders(path);
  } catch (e) {
    if (e instanceof WalletProvidersError) throw new ConfigError('TRUSTED_WALLET_PROVIDERS', e.message);
    throw e;
  }
}

/**
 * In production an unregistered wallet needs an attestation at PAR: with the Authorization Code
 * Flow on and neither registered wallets nor trusted providers, every PAR would be refused.
 */
export function noWalletCanAuthorize(
  config: Pick<Config, 'authorizationCode' | 'nodeEnv'>,
  clients: WalletClients,
  providers: TrustedWalletProviders,
): string | undefined {
  if (!config.authorizationCode || config.nodeEnv !== 'production') return undefined;
  if (clients.size > 0 || providers.keys.length > 0 || providers.anchors.length > 0) return undefined;
  return 'the authorization code flow is on (OIDC_ISSUER) but no wallet can use it: register wallets in WALLET_CLIENTS or trust wallet providers in TRUSTED_WALLET_PROVIDERS';
}

/** A bad WALLET_CLIENTS file stops the start too. */
function openWalletClients(path: string | undefined): WalletClients {
  try {
    return loadWalletClients(path);
  } catch (e) {
    if (e instanceof WalletClientsError) throw new ConfigError('WALLET_CLIENTS', e.message);
    throw e;
  }
}

/**
 * What must happen once before several server processes open the same store (WORKERS > 1):
 * migrations, and on a first run the passphrase file and the first signing key. Done by the
 * cluster's primary, so its workers never race to migrate or to make two first keys.
 */
export async function prepareStore(config: Config, logger: Logger, clock: Clock = systemClock): Promise<void> {
  const store = openServerStore(config, logger);
  let keyStore: KeyBackend | undefined;
  try {
    keyStore = await migrateAndEnsureKey(store, config, logger, clock);
  } finally {
    await keyStore?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
}

function openServerStore(config: Config, logger: Logger): Store {
  return openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    lockTimeoutMs: config.storeLockTimeoutMs,
    onPermissionWarning: (w) => logger.warn(w, 'could not make the data folder or a database file private (0700 / 0600)'),
  });
}

/**
 * The once-per-store steps both a single server and a cluster's primary take: migrations, the key
 * backend (on a first run its passphrase file) and the first signing key. Returns the opened
 * backend; the caller closes it.
 */
async function migrateAndEnsureKey(store: Store, config: Config, logger: Logger, clock: Clock): Promise<KeyBackend> {
  const { applied } = await store.migrate();
  if (applied.length > 0) logger.info({ applied, store: store.dialect }, 'migrations applied');
  const keyStore = openKeyBackend(config, logger, clock, (p) =>
    logger.warn({ file: p.file, generated: p.generated }, DEV_PASSPHRASE_WARNING),
  );
  try {
    const made = await ensureActiveKey(
      { store, keyStore, clock, actor: 'server:first-run', issuerProfile: defaultIssuerProfile(config.publicUrl) },
      config.keyAlg,
    );
    if (made) logger.warn({ kid: made.kid, alg: made.alg, dir: config.keysDir }, 'first run: generated a signing key');
    return keyStore;
  } catch (e) {
    await keyStore.close().catch(() => undefined);
    throw e;
  }
}
