import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { createOutput, table } from '../output.js';
import { writeFileAtomic } from '../../keys/atomic-write.js';
import {
  createVerifierIdentity,
  importVerifierChain,
  retireVerifierIdentity,
  SERVICE_OWNER,
  setDefaultPrefix,
  viewVerifierIdentity,
} from '../../presentation/x509-identity/manage-verifier-identities.js';
import { dnsNameOf } from '../../formats/x509/x509-client-id.js';

/** `dproof verifier-certs`: X.509 verifier identities for the x509_san_dns and x509_hash client identifier prefixes. */
export function verifierCertCommands(program: Command, ctx: () => CliContext, io: CliIo): void {
  const certs = program
    .command('verifier-certs')
    .description('X.509 verifier identities (OpenID4VP x509_san_dns / x509_hash): create, import a CA chain, list, retire');
  const deps = (c: CliContext, store: Parameters<Parameters<CliContext['withStore']>[0]>[0]) => ({
    store,
    keyStore: c.keyStore(),
    clock: c.clock,
    actor: 'cli',
  });

  certs
    .command('create')
    .description(
      'new verifier key (ES256, held like the signing keys) with a development chain, or a CSR for a CA; a new active identity makes the previous one retiring',
    )
    .option('--client <id>', "a verifier client's own identity (default: the service's, shared by every verifier client)")
    .option('--csr', 'print a PKCS#10 CSR for a CA instead of making a development chain')
    .option('--organization <name>', 'O= of the CSR subject')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ dproof verifier-certs create            # development chain; the root is written to KEYS_DIR\n  $ dproof verifier-certs create --csr > verifier.csr\n  $ dproof verifier-certs import <id> chain.pem',
    )
    .action(async (opts: { client?: string; csr?: boolean; organization?: string; json?: boolean }) => {
      const c = ctx();
      const r = await c.withStore(
        (store) =>
          createVerifierIdentity(deps(c, store), {
            owner: opts.client ?? SERVICE_OWNER,
            dnsName: dnsNameOf(c.config.publicUrl),
            mode: opts.csr ? 'csr' : 'dev',
            ...(opts.organization && { organization: opts.organization }),
          }),
        { creates: true },
      );
      let anchorFile: string | undefined;
      if (r.anchorPem) {
        anchorFile = join(c.config.keysDir, `verifier-dev-root-${r.identity.id}.pem`);
        writeFileAtomic(anchorFile, r.anchorPem);
      }
      createOutput(Boolean(opts.json), io).data(
        {
          identity: viewVerifierIdentity(r.identity),
          csr: r.csr ?? null,
          trust_anchor_file: anchorFile ?? null,
          retiring: r.previous ?? null,
        },
        () =>
          r.csr
            ? `${r.csr.trim()}\n(identity ${r.identity.id} is pending: send the CSR to a CA, then "dproof verifier-certs import ${r.identity.id} chain.pem")`
            : `active verifier identity ${r.identity.id} for ${r.identity.dns_name}\nx509_hash: ${r.identity.x509_hash}\ndevelopment trust anchor (give it to test wallets): ${anchorFile}${r.previous ? `\nretiring: ${r.previous}` : ''}`,
      );
    });

  certs
    .command('import <id> <chain-file>')
    .description(
      "import the CA's chain (PEM, leaf first) for a pending identity: leaf must be for its key, chain must verify, SAN must hold PUBLIC_URL's host, not expired",
    )
    .option('--json', 'print JSON')
    .allowUnknownOption()
    .action(async (id: string, file: string, opts: { json?: boolean }) => {
      const c = ctx();
      const pem = readFileSync(file, 'utf8');
      const r = await c.withStore((store) => importVerifierChain(deps(c, store), id, pem));
      createOutput(Boolean(opts.json), io).data(
        { identity: viewVerifierIdentity(r.identity), retiring: r.previous ?? null },
        () => `active verifier identity ${id}\nx509_hash: ${r.identity.x509_hash}${r.previous ? `\nretiring: ${r.previous}` : ''}`,
      );
    });

  certs
    .command('prefix <client-id> <prefix>')
    .description(
      "a verifier client's default client identifier prefix (decentralized_identifier, x509_san_dns, x509_hash; none = the did:web default) for requests that name none",
    )
    .allowUnknownOption()
    .action(async (clientId: string, prefix: string) => {
      const c = ctx();
      await c.withStore((store) => setDefaultPrefix(deps(c, store), clientId, prefix === 'none' ? null : prefix));
      io.stdout.write(
        `client ${clientId}: requests use ${prefix === 'none' ? 'decentralized_identifier (did:web)' : prefix} unless they name a prefix\n`,
      );
    });

  certs
    .command('list')
    .description('list verifier identities and their states')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const list = (await c.withStore((store) => store.verifierIdentities.list())).map(viewVerifierIdentity);
      createOutput(Boolean(opts.json), io).data(list, () => table(list, ['id', 'owner', 'state', 'dns_name', 'x509_hash', 'not_after']));
    });

  certs
    .command('retire <id>')
    .description('retire a retiring (or abandoned pending) identity: requests made under its x509_hash can no longer be fetched')
    .option('--json', 'print JSON')
    .allowUnknownOption()
    .action(async (id: string, opts: { json?: boolean }) => {
      const c = ctx();
      const r = await c.withStore((store) => retireVerifierIdentity(deps(c, store), id));
      createOutput(Boolean(opts.json), io).data(viewVerifierIdentity(r), () => `retired ${id}`);
    });
}
