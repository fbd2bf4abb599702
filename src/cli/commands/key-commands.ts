import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { createOutput, table } from '../output.js';
import { generateKey, retireKey, rotateKey } from '../../keys/manage-keys.js';
import { handoverWindowMs } from '../../keys/key-ring.js';
import { viewKey } from '../../keys/view-key.js';
import { isSigningAlg } from '../../keys/file-key-store.js';
import { badRequest } from '../../errors.js';
import type { SigningAlg } from '../../keys/signer.js';

const algOf = (v: string | undefined, fallback: SigningAlg): SigningAlg => {
  const alg = v ?? fallback;
  if (!isSigningAlg(alg)) throw badRequest('invalid_alg', `--alg must be ES256 or EdDSA, got ${alg}`);
  return alg;
};

type KeyView = ReturnType<typeof viewKey>;
const keyRows = (keys: KeyView[]) =>
  table(
    keys.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      state: k.state,
      activated: k.activated_at,
      retiring: k.retiring_at,
      retired: k.retired_at,
    })),
    ['kid', 'alg', 'state', 'activated', 'retiring', 'retired'],
  );

export function keyCommands(program: Command, ctx: () => CliContext, io: CliIo): void {
  const keys = program.command('keys').description('signing keys: generate, list, rotate, retire, publish');

  keys
    .command('generate')
    .description('create the first active key of an algorithm')
    .option('--alg <alg>', 'ES256 or EdDSA (default: KEY_ALG)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof keys generate --alg EdDSA')
    .action(async (opts: { alg?: string; json?: boolean }) => {
      const c = ctx();
      const key = await c.withStore((store) =>
        generateKey({ store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' }, algOf(opts.alg, c.config.keyAlg)),
      );
      createOutput(Boolean(opts.json), io).data(viewKey(key), () => `generated ${key.alg} key ${key.kid} (active)`);
    });

  keys
    .command('list')
    .description('list keys and their states')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof keys list --json')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const list = (await c.withStore((store) => store.keys.list())).map(viewKey);
      createOutput(Boolean(opts.json), io).data(list, () => keyRows(list));
    });

  keys
    .command('rotate')
    .description('make a new key active; the current one becomes retiring and keeps verifying')
    .option('--alg <alg>', 'ES256 or EdDSA (default: KEY_ALG)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof keys rotate\n\nRunning servers pick the new key up within KEY_REFRESH_MS (default 2 s).')
    .action(async (opts: { alg?: string; json?: boolean }) => {
      const c = ctx();
      const r = await c.withStore((store) =>
        rotateKey({ store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' }, algOf(opts.alg, c.config.keyAlg)),
      );
      createOutput(Boolean(opts.json), io).data(
        { active: viewKey(r.active), retiring: r.retiring ?? null },
        () =>
          `active ${r.active.alg} key: ${r.active.kid}${r.retiring ? `\nretiring: ${r.retiring} (still verifies, still in the JWKS)` : ''}`,
      );
    });

  keys
    .command('retire <kid>')
    .description('retire a retiring key: it leaves the JWKS and stops verifying')
    .option('--force', 'retire even though credentials it signed have not expired')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof keys retire 3Kq…Xw')
    // A kid is a base64url thumbprint and may begin with "-" (1 in 64): taken as the kid, not as
    // an unknown option (a mistyped option then reads as an unknown kid, which is refused).
    .allowUnknownOption()
    .action(async (kid: string, opts: { force?: boolean; json?: boolean }) => {
      const c = ctx();
      const out = createOutput(Boolean(opts.json), io);
      const r = await c.withStore((store) =>
        retireKey({ store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' }, kid, {
          force: Boolean(opts.force),
          latestExpiry: (k) => store.credentials.latestExpiryByKid(k),
          handoverMs: handoverWindowMs(c.config.keyRefreshMs),
        }),
      );
      if (r.forced) out.warn(`key ${kid} was retired while credentials it signed are still valid: they no longer verify`);
      out.data({ key: viewKey(r.key), forced: r.forced }, () => `retired ${kid}`);
    });

  keys
    .command('jwks')
    .description('print the published JWK Set (active and retiring public keys)')
    .addHelpText('after', '\nExample:\n  $ dproof keys jwks > jwks.json')
    .action(async () => {
      const c = ctx();
      const list = await c.withStore((store) => store.keys.list());
      const jwks = { keys: list.filter((k) => k.state !== 'retired').map((k) => k.publicJwk) };
      createOutput(true, io).data(jwks, () => '');
    });
}
