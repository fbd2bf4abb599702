import { hasUnsafeCharacters } from '../../verdict/unsafe-text.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { createOutput, table } from '../output.js';
import { assertOpensServersKeys, generateKey, retireKey, rotateKey } from '../../keys/manage-keys.js';
import { handoverWindowMs } from '../../keys/key-ring.js';
import { viewKey } from '../../keys/view-key.js';
import { isSigningAlg } from '../../keys/file-key-store.js';
import { badRequest } from '../../errors.js';
import type { SigningAlg } from '../../keys/signer.js';
import { certificateChainOf, makeDocumentSigner, makeIaca, MDOC_IACA_ALG, pemOf } from '../../keys/manage-mdoc-keys.js';
import type { CertificateSubject } from '../../keys/build-mdoc-certificate.js';
import type { KeyDeps } from '../../keys/manage-keys.js';
import type { KeyRecord } from '../../store/repositories/keys-repo.js';
import { readAuthorityKeyIds } from '../../formats/x509/read-authority-key-ids.js';
import { certifyIssuerKeys, defaultIssuerProfile, makeIssuerCa } from '../../keys/manage-issuer-certificates.js';
import { isCertificateKeyAlg, ISSUER_CA_ALG } from '../../keys/mdoc-key-rows.js';
import { rotateRequestKey } from '../../issuance/request-encryption/request-encryption-keys.js';

/** The KeyIdentifier a verifier names in DCQL `trusted_authorities` (type aki, OpenID4VP §6.1.1.1) to ask for mdocs under this IACA. */
const akiOf = (der: Uint8Array): string | null => readAuthorityKeyIds([der])[0] ?? null;

interface SubjectOptions {
  country?: string;
  name?: string;
  json?: boolean;
}

/** ISO/IEC 18013-5 Annex B: C (ISO 3166-1 alpha-2) and CN; issuerAltName points at PUBLIC_URL. */
const subjectOf = (opts: SubjectOptions, fallbackName: string, publicUrl: string): CertificateSubject => {
  const country = opts.country ?? 'KR';
  if (!/^[A-Z]{2}$/.test(country))
    throw badRequest('invalid_request', `--country must be an ISO 3166-1 alpha-2 code such as KR, got ${country}`);
  const commonName = (opts.name ?? fallbackName).normalize('NFC').trim();
  if (commonName.length === 0 || commonName.length > 64) throw badRequest('invalid_request', '--name must be 1 to 64 characters');
  // The name is read by verifiers' operators and wallets in a trust anchor: no bidi or control tricks,
  // as for a client's name.
  if (hasUnsafeCharacters(commonName))
    throw badRequest('invalid_request', '--name must not contain control, format or bidirectional characters');
  return { country, commonName, uri: publicUrl };
};

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

/** What differs between the root CA commands (`keys iaca`, `keys issuer-ca`). */
interface RootCaCommand {
  command: string;
  description: string;
  /** Whose country --country names. */
  whose: string;
  nameHelp: string;
  defaultName: string;
  /** A --name in the example. */
  exampleName: string;
  make: (deps: KeyDeps, subject: CertificateSubject) => Promise<{ active: KeyRecord; retiring: string | undefined }>;
  /** What the new root is called in the text output. */
  label: string;
  /** The command to run next (under `keys`) and what it does, for the example and the text output. */
  next: [command: string, does: string];
}

/**
 * A new self-signed root (the current one becomes retiring, still a trust anchor), printed with
 * its certificate and the KeyIdentifier a verifier names in DCQL trusted_authorities.
 */
function rootCaCommand(keys: Command, ctx: () => CliContext, io: CliIo, o: RootCaCommand): void {
  keys
    .command(o.command)
    .description(o.description)
    .option('--country <cc>', `ISO 3166-1 alpha-2 country of the ${o.whose}`, 'KR')
    .option('--name <cn>', o.nameHelp, o.defaultName)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `\nExample:\n  $ dproof keys ${o.command} --name "${o.exampleName}"\n  $ dproof keys ${o.next[0]}\n\nThen give verifiers the root: dproof keys ${o.command}-certificates > ${o.command}.pem`,
    )
    .action(async (opts: SubjectOptions) => {
      const c = ctx();
      const subject = subjectOf(opts, o.defaultName, c.config.publicUrl);
      const r = await c.withStore((store) => o.make({ store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' }, subject), {
        creates: true,
      });
      const der = certificateChainOf(r.active)[0]!;
      const aki = akiOf(der);
      createOutput(Boolean(opts.json), io).data(
        { active: viewKey(r.active), retiring: r.retiring ?? null, certificate: pemOf(der), aki },
        () =>
          `active ${o.label}: ${r.active.kid}${r.retiring ? `\nretiring: ${r.retiring} (still a trust anchor)` : ''}\nDCQL trusted_authorities: {"type":"aki","values":["${aki}"]}\nnext: "dproof keys ${o.next[0]}" ${o.next[1]}`,
      );
    });
}

/** `keys <root>-certificates`: the PEM certificates of the active and retiring roots of `alg` (the trust anchors verifiers need). */
function rootCaCertificatesCommand(
  keys: Command,
  ctx: () => CliContext,
  io: CliIo,
  o: { root: string; description: string; alg: string },
): void {
  keys
    .command(`${o.root}-certificates`)
    .description(o.description)
    .addHelpText('after', `\nExample:\n  $ dproof keys ${o.root}-certificates > ${o.root}.pem`)
    .action(async () => {
      const c = ctx();
      const list = await c.withStore((store) => store.keys.list());
      const pems = list.filter((k) => k.alg === o.alg && k.state !== 'retired').map((k) => pemOf(certificateChainOf(k)[0]!));
      io.stdout.write(pems.join('\n') + (pems.length ? '\n' : ''));
    });
}

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
      const alg = algOf(opts.alg, c.config.keyAlg); // a bad --alg is refused before a store is made
      const key = await c.withStore(
        async (store) => {
          await assertOpensServersKeys({ store, keyStore: c.keyStore() });
          return generateKey(
            { store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli', issuerProfile: defaultIssuerProfile(c.config.publicUrl) },
            alg,
          );
        },
        { creates: true },
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
    .option('--force', 'rotate although the last rotation is still in its handover')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ dproof keys rotate\n\nRunning servers publish the new key within KEY_REFRESH_MS (default 2 s) and sign with it\nKEY_REFRESH_MS + JWKS_MAX_AGE + 1 s after the rotation (63 s by default), when no verifier\nstill holds a JWKS copy without it.',
    )
    .action(async (opts: { alg?: string; force?: boolean; json?: boolean }) => {
      const c = ctx();
      const r = await c.withStore(async (store) => {
        await assertOpensServersKeys({ store, keyStore: c.keyStore() }, Boolean(opts.force));
        return rotateKey(
          { store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli', issuerProfile: defaultIssuerProfile(c.config.publicUrl) },
          algOf(opts.alg, c.config.keyAlg),
          { handoverMs: handoverWindowMs(c.config), force: Boolean(opts.force) },
        );
      });
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
    .option(
      '--compromised',
      'the private key is exposed: retire it now, inside the handover and whatever it signed (nodes stop signing with it and publishing it within KEY_REFRESH_MS)',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ dproof keys retire 3Kq…Xw\n  $ dproof keys rotate --force && dproof keys retire 3Kq…Xw --compromised   # a leaked key',
    )
    // A kid is a base64url thumbprint and may begin with "-" (1 in 64): taken as the kid, not as
    // an unknown option (a mistyped option then reads as an unknown kid, which is refused).
    .allowUnknownOption()
    .action(async (kid: string, opts: { force?: boolean; compromised?: boolean; json?: boolean }) => {
      const c = ctx();
      const out = createOutput(Boolean(opts.json), io);
      const r = await c.withStore((store) =>
        retireKey({ store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' }, kid, {
          force: Boolean(opts.force),
          compromised: Boolean(opts.compromised),
          latestExpiry: (k) => store.credentials.latestExpiryByKid(k),
          handoverMs: handoverWindowMs(c.config),
        }),
      );
      if (r.compromised)
        out.warn(
          `key ${kid} was retired as compromised: running nodes stop signing with it and publishing it within KEY_REFRESH_MS, and nothing it signed verifies any more; issue those credentials again`,
        );
      else if (r.forced) out.warn(`key ${kid} was retired while credentials it signed are still valid: they no longer verify`);
      out.data({ key: viewKey(r.key), forced: r.forced, compromised: r.compromised }, () => `retired ${kid}`);
    });

  rootCaCommand(keys, ctx, io, {
    command: 'iaca',
    description: 'make a new mdoc issuing-authority root (IACA, ISO 18013-5 Annex B); the current one becomes retiring',
    whose: 'issuing authority',
    nameHelp: 'common name of the IACA',
    defaultName: 'digital-proof IACA',
    exampleName: '경찰청 mDL IACA',
    make: makeIaca,
    label: 'IACA',
    next: ['ds', 'makes a document signer under it'],
  });

  keys
    .command('ds')
    .description('make a new mdoc document signer certificate under the active IACA; the current one becomes retiring')
    .option('--country <cc>', "ISO 3166-1 alpha-2 country: the IACA's, which is the default (ISO 18013-5 Annex B.1.4)")
    .option('--name <cn>', 'common name of the document signer', 'digital-proof document signer')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof keys ds\n\nRunning servers sign mdocs with it within KEY_REFRESH_MS (default 2 s).')
    .action(async (opts: SubjectOptions) => {
      const c = ctx();
      // The country is the IACA's unless named (and then it must be the IACA's).
      const subject = { ...subjectOf(opts, 'digital-proof document signer', c.config.publicUrl), country: opts.country };
      const r = await c.withStore((store) => makeDocumentSigner({ store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' }, subject));
      createOutput(Boolean(opts.json), io).data(
        { active: viewKey(r.active), retiring: r.retiring ?? null, certificate: pemOf(certificateChainOf(r.active)[0]!) },
        () => `active document signer: ${r.active.kid}${r.retiring ? `\nretiring: ${r.retiring}` : ''}`,
      );
    });

  rootCaCertificatesCommand(keys, ctx, io, {
    root: 'iaca',
    description: 'print the PEM certificates of the active and retiring IACA roots (the trust anchors verifiers need)',
    alg: MDOC_IACA_ALG,
  });

  rootCaCommand(keys, ctx, io, {
    command: 'issuer-ca',
    description: 'make a new issuer CA for the JWT signing keys (HAIP x5c); the current one becomes retiring',
    whose: 'issuer',
    nameHelp: 'common name of the issuer CA',
    defaultName: 'digital-proof issuer CA',
    exampleName: '경찰청 발급자 CA',
    make: makeIssuerCa,
    label: 'issuer CA',
    next: ['issuer-cert', 'certifies the JWT signing keys under it'],
  });

  keys
    .command('rotate-request-key')
    .description(
      'make a new OpenID4VCI credential request encryption key; the previous one stays listed and decrypts for CREDENTIAL_REQUEST_KEY_GRACE_SECONDS',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof keys rotate-request-key\n\nThe issuer metadata lists the new key within KEY_REFRESH_MS.')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const r = await c.withStore((store) => rotateRequestKey({ store, config: c.config, clock: c.clock }), { creates: true });
      createOutput(Boolean(opts.json), io).data(
        { active: r.kid, previous: r.previous ?? null },
        () =>
          `active request encryption key: ${r.kid}${r.previous ? `\nprevious: ${r.previous} (listed and accepted for the grace period)` : ''}`,
      );
    });

  keys
    .command('issuer-cert [kid]')
    .description('certify the JWT signing keys (or one, by kid) under the active issuer CA: SD-JWT VCs and status lists then carry x5c')
    .option('--country <cc>', 'ISO 3166-1 alpha-2 country of the issuer', 'KR')
    .option('--name <cn>', 'common name of the issuer certificate', 'digital-proof issuer')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ dproof keys issuer-cert\n\nRunning servers put the x5c in what they sign within KEY_REFRESH_MS (default 2 s).',
    )
    .allowUnknownOption()
    .action(async (kid: string | undefined, opts: SubjectOptions) => {
      const c = ctx();
      const s = subjectOf(opts, 'digital-proof issuer', c.config.publicUrl);
      const done = await c.withStore((store) =>
        certifyIssuerKeys(
          { store, keyStore: c.keyStore(), clock: c.clock, actor: 'cli' },
          { country: s.country, commonName: s.commonName, issuer: c.config.publicUrl },
          kid,
        ),
      );
      createOutput(Boolean(opts.json), io).data(
        done.map((k) => ({ kid: k.kid, alg: k.alg, state: k.state, certificate: pemOf(Buffer.from(k.issuerX5c![0]!, 'base64')) })),
        () =>
          done.map((k) => `certified ${k.alg} key ${k.kid} (${k.state}) for ${c.config.publicUrl}`).join('\n') ||
          'no JWT signing key to certify',
      );
    });

  rootCaCertificatesCommand(keys, ctx, io, {
    root: 'issuer-ca',
    description: 'print the PEM certificates of the active and retiring issuer CAs (the trust anchors verifiers need for x5c)',
    alg: ISSUER_CA_ALG,
  });

  keys
    .command('jwks')
    .description('print the published JWK Set (active and retiring public keys)')
    .addHelpText('after', '\nExample:\n  $ dproof keys jwks > jwks.json')
    .action(async () => {
      const c = ctx();
      const list = await c.withStore((store) => store.keys.list());
      const jwks = { keys: list.filter((k) => k.state !== 'retired' && !isCertificateKeyAlg(k.alg)).map((k) => k.publicJwk) };
      createOutput(true, io).data(jwks, () => '');
    });
}
