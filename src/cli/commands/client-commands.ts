import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { createOutput, table } from '../output.js';
import { CLIENT_ROLES, createClient, listClients, revokeClient } from '../../clients/manage-clients.js';
import { badRequest } from '../../errors.js';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { schemasDir } from '../../paths.js';

const wholeNumber = (v: string): number => {
  if (!/^\d+$/.test(v)) throw badRequest('invalid_rate_limit', `--rate-limit must be a whole number of requests per minute, got ${v}`);
  return Number(v);
};

export function clientCommands(program: Command, ctx: () => CliContext, io: CliIo): void {
  const clients = program.command('clients').description('API clients: agencies (issuer), verifiers, operators (admin)');

  clients
    .command('create')
    .description('create a client; prints its API key once (only a hash is stored)')
    .addOption(new Option('--role <role>', 'what the client may do').choices([...CLIENT_ROLES]).makeOptionMandatory())
    .requiredOption('--name <name>', 'who the client is, e.g. "Bank A"')
    .option('--types <ids>', 'comma-separated credential type ids it may issue or ask for (default: all)')
    .option('--rate-limit <n>', 'requests per minute (0 = unlimited; default: RATE_LIMIT_PER_MINUTE)', wholeNumber)
    .option('--logo-uri <url>', 'verifier clients: an https logo URL wallets show beside the name (client_metadata.logo_uri)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ dproof clients create --role verifier --name "Bank A" --json\n  {"id": "c…", "apiKey": "dproof_c…"}',
    )
    .action(async (opts: { role: string; name: string; types?: string; rateLimit?: number; logoUri?: string; json?: boolean }) => {
      const c = ctx();
      const types = opts.types
        ? opts.types
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : null;
      // The catalogue the server serves, so a type restriction is checked as the API checks it.
      const catalog = await loadCatalog({ dir: join(schemasDir, 'credentials'), publicUrl: c.config.publicUrl });
      const { client, apiKey } = await c.withStore(
        (store) =>
          createClient(
            { store, clock: c.clock, actor: 'cli', catalog },
            { name: opts.name, role: opts.role, types, rateLimit: opts.rateLimit ?? null, logoUri: opts.logoUri ?? null },
          ),
        { creates: true },
      );
      createOutput(Boolean(opts.json), io).data(
        { id: client.id, apiKey },
        () => `created ${client.role} client ${client.id} (${client.name})\nAPI key (shown once, keep it safe):\n${apiKey}`,
      );
    });

  clients
    .command('list')
    .description('list clients (never their keys)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof clients list')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const list = await c.withStore((store) => listClients({ store }));
      createOutput(Boolean(opts.json), io).data(list, () =>
        table(
          list.map((x) => ({ id: x.id, role: x.role, name: x.name, rate: x.rate_limit, revoked: x.revoked_at })),
          ['id', 'role', 'name', 'rate', 'revoked'],
        ),
      );
    });

  clients
    .command('revoke <id>')
    .description('revoke a client; its API key stops working at once')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof clients revoke c0123456789abcdef')
    .action(async (id: string, opts: { json?: boolean }) => {
      const c = ctx();
      const client = await c.withStore((store) => revokeClient({ store, clock: c.clock, actor: 'cli' }, id));
      createOutput(Boolean(opts.json), io).data(client, () => `revoked ${client.id} (${client.name})`);
    });
}
