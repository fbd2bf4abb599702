import { Command, CommanderError } from 'commander';
import { pathToFileURL } from 'node:url';
import { cliContext, type CliContext } from './context.js';
import { processIo, type CliIo } from './io.js';
import { dbCommands } from './commands/db-commands.js';
import { keyCommands } from './commands/key-commands.js';
import { clientCommands } from './commands/client-commands.js';
import { walletCommands } from './commands/wallet-commands.js';
import { verifierCertCommands } from './commands/verifier-cert-commands.js';
import { walletProviderCommands } from './commands/wallet-provider-commands.js';
import { ConfigError, loadConfig } from '../config.js';

/** `dproof`: the operator's command line. Commands call the same domain functions as the HTTP routes. */
export function buildCli(io: CliIo = processIo()): Command {
  const { env } = io;
  let cached: CliContext | undefined;
  const ctx = () => (cached ??= cliContext(env, io.stderr));
  // Set before the subcommands are added: they inherit the output and the exit override.
  const program = new Command('dproof')
    .description('digital-proof: issue and verify digital certificates and mobile IDs')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      // A usage mistake (unknown command or option, a missing argument) is one line, as every other
      // refusal of the CLI: `dproof: …`, and where to read more, not the whole usage text.
      outputError: (s, write) => write(`dproof: ${s.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    })
    .exitOverride();

  program
    .command('serve')
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

  dbCommands(program, ctx, io);
  keyCommands(program, ctx, io);
  clientCommands(program, ctx, io);
  verifierCertCommands(program, ctx, io);
  walletCommands(program, io);
  walletProviderCommands(program, io);
  return program;
}

/**
 * Runs the CLI and returns the exit code; never exits the process, so tests call it in-process
 * with their own streams and environment. Errors print one line, never a stack.
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = { ...processIo(), ...io };
  try {
    await buildCli(full).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const message = e instanceof ConfigError ? `configuration error: ${e.message}` : e instanceof Error ? e.message : String(e);
    full.stderr.write(`dproof: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
