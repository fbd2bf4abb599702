import { Command, CommanderError } from 'commander';
import { pathToFileURL } from 'node:url';
import { cliContext, type CliContext } from './context.js';
import { dbCommands } from './commands/db-commands.js';
import { keyCommands } from './commands/key-commands.js';
import { clientCommands } from './commands/client-commands.js';
import { walletCommands } from './commands/wallet-commands.js';
import { ConfigError, loadConfig } from '../config.js';

/** `dproof`: the operator's command line. Commands call the same domain functions as the HTTP routes. */
export function buildCli(env: Record<string, string | undefined> = process.env): Command {
  let cached: CliContext | undefined;
  const ctx = () => (cached ??= cliContext(env));
  const program = new Command('dproof')
    .description('digital-proof: issue and verify digital certificates and mobile IDs')
    .showHelpAfterError()
    .exitOverride();

  program.command('serve')
    .description('run the HTTP service (same as npm start)')
    .addHelpText('after', '\nExample:\n  $ PORT=8080 dproof serve')
    .action(async () => {
      // Loaded only for `serve`: the other commands start faster without the HTTP stack.
      const { startServer } = await import('../server.js');
      const server = await startServer(loadConfig(env));
      await new Promise<void>((resolve) => {
        for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => void server.stop().then(resolve));
      });
    });

  dbCommands(program, ctx);
  keyCommands(program, ctx);
  clientCommands(program, ctx);
  walletCommands(program, env);
  return program;
}

/** Runs the CLI; returns the exit code. Errors print one line, never a stack. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  try {
    await buildCli(env).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const message = e instanceof ConfigError ? `configuration error: ${e.message}` : e instanceof Error ? e.message : String(e);
    process.stderr.write(`dproof: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
