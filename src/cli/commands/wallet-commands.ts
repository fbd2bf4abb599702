import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createOutput, table } from '../output.js';
import { createWallet } from '../../wallet/create-wallet.js';
import { readWallet, writeWallet } from '../../wallet/wallet-file.js';
import { receiveCredentials } from '../../wallet/receive-credentials.js';
import { badRequest } from '../../errors.js';

/**
 * `dproof wallet`: a reference holder wallet in a local file (keys and credentials), to take
 * an offer from POST /v1/offers through OpenID4VCI to a stored, verified credential.
 * The file is --file, else DPROOF_WALLET, else ./wallet.json.
 */
export function walletCommands(program: Command, env: Record<string, string | undefined>): void {
  const fileOf = (opts: { file?: string }) => resolve(opts.file ?? (env.DPROOF_WALLET?.trim() || 'wallet.json'));
  const wallet = program.command('wallet').description('a reference holder wallet kept in a local file (mode 0600)');

  wallet.command('init')
    .description('create a wallet file with a new P-256 key')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet init --file ~/wallet.json')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const path = fileOf(opts);
      const w = await createWallet(path, new Date());
      const kid = w.keys[0]?.kid ?? '';
      createOutput(Boolean(opts.json)).data({ file: path, key: kid }, () => `created wallet ${path}\nkey: ${kid} (P-256, stays in this file)`);
    });

  wallet.command('receive <offer>')
    .description('receive the credential(s) of an offer link (openid-credential-offer://…) over OpenID4VCI')
    .option('--tx-code <code>', 'transaction code the issuer gave you on another channel')
    .option('--batch <n>', 'how many copies, each bound to its own key (up to the issuer batch_size)', '1')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', "\nExample:\n  $ dproof wallet receive 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2F…' --tx-code 123456")
    .action(async (offer: string, opts: { txCode?: string; batch: string; file?: string; json?: boolean }) => {
      if (!/^\d{1,3}$/.test(opts.batch) || Number(opts.batch) < 1) throw badRequest('invalid_batch', `--batch must be a whole number from 1, got ${opts.batch}`);
      const path = fileOf(opts);
      const before = readWallet(path);
      const { wallet: after, received } = await receiveCredentials(before, { offerLink: offer, txCode: opts.txCode, count: Number(opts.batch) });
      writeWallet(path, after);
      const view = received.map((c) => ({ id: c.id, configuration: c.credential_configuration_id, format: c.format, key: c.key, expires_at: c.expires_at }));
      createOutput(Boolean(opts.json)).data(view, () =>
        [`received ${received.length} credential${received.length === 1 ? '' : 's'} from ${received[0]?.credential_issuer ?? ''} (signature and key binding checked)`,
          table(view, ['id', 'configuration', 'format', 'expires_at'])].join('\n'),
      );
    });

  wallet.command('list')
    .description('credentials in the wallet (never their contents or keys)')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet list --json')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const w = readWallet(fileOf(opts));
      const view = w.credentials.map((c) => ({
        id: c.id, issuer: c.credential_issuer, configuration: c.credential_configuration_id, format: c.format, kind: c.kind, key: c.key, received_at: c.received_at, expires_at: c.expires_at,
      }));
      createOutput(Boolean(opts.json)).data(view, () => table(view, ['id', 'configuration', 'format', 'received_at', 'expires_at']));
    });
}
