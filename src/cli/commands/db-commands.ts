import type { Command } from 'commander';
import { checkEmbeddedStore, type CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { createOutput } from '../output.js';
import { openStore } from '../../store/store.js';
import { runningServerPid } from '../../store/server-lock.js';
import { AppError } from '../../errors.js';

export function dbCommands(program: Command, ctx: () => CliContext, io: CliIo): void {
  const db = program.command('db').description('database schema');
  db.command('migrate')
    .description('apply pending migrations (the server also does this on start)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ DATABASE_URL=postgres://postgres@127.0.0.1:5432/test dproof db migrate')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      // SQLite allows one writer at a time: migrating under a running server could leave its
      // prepared statements facing a schema they do not expect. Refuse instead.
      const pid = c.config.databaseUrl ? undefined : runningServerPid(c.config.dataDir);
      if (pid !== undefined) {
        throw new AppError(
          'store_in_use',
          `a running server (pid ${pid}) holds the store in ${c.config.dataDir}; stop it first, or let it migrate on its next start`,
        );
      }
      checkEmbeddedStore(c.config, true, io.stderr);
      const store = openStore({
        databaseUrl: c.config.databaseUrl,
        dataDir: c.config.dataDir,
        poolSize: 1,
        lockTimeoutMs: c.config.storeLockTimeoutMs,
      });
      try {
        const { applied } = await store.migrate();
        createOutput(Boolean(opts.json), io).data({ store: store.dialect, location: store.location, applied }, () =>
          applied.length === 0
            ? `${store.dialect} store at ${store.location} is up to date`
            : `applied to ${store.location}: ${applied.join(', ')}`,
        );
      } finally {
        await store.close();
      }
    });
}
