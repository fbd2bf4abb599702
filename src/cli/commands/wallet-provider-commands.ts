import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { createOutput, table } from '../output.js';
import { ConfigError } from '../../config.js';
import { loadWalletProviders, WalletProvidersError } from '../../issuance/client-attestation/trusted-wallet-providers.js';

/** `dproof wallet-providers check`: reads TRUSTED_WALLET_PROVIDERS (or --file) as the server will, and lists what it trusts. */
export function walletProviderCommands(program: Command, io: CliIo): void {
  const providers = program.command('wallet-providers').description('wallet providers whose wallet and key attestations are trusted');
  providers
    .command('check')
    .description('check a TRUSTED_WALLET_PROVIDERS file and list its providers, keys and CA certificates')
    .option('--file <path>', 'the file (default: TRUSTED_WALLET_PROVIDERS)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet-providers check --file ./wallet-providers.json')
    .action((opts: { file?: string; json?: boolean }) => {
      const raw = opts.file ?? io.env.TRUSTED_WALLET_PROVIDERS;
      if (!raw) throw new ConfigError('TRUSTED_WALLET_PROVIDERS', 'is not set; name the file with --file');
      let loaded;
      try {
        loaded = loadWalletProviders(resolve(raw));
      } catch (e) {
        if (e instanceof WalletProvidersError) throw new ConfigError('TRUSTED_WALLET_PROVIDERS', e.message);
        throw e;
      }
      const rows = [
        ...loaded.keys.map((k) => ({ provider: k.provider, kind: 'key', id: k.kid ?? '-', alg: k.alg })),
        ...loaded.anchors.map((a) => ({
          provider: a.provider,
          kind: 'ca',
          id: a.certificate.subject.replace(/\n/g, ', '),
          alg: a.certificate.validTo,
        })),
      ];
      createOutput(Boolean(opts.json), io).data(rows, () => table(rows, ['provider', 'kind', 'id', 'alg'], { alg: 'ALG / VALID_TO' }));
    });
}
