import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createOutput, table } from '../output.js';
import type { CliIo } from '../io.js';
import { createWallet } from '../../wallet/create-wallet.js';
import { readWallet, writeWallet, type StoredCredential } from '../../wallet/wallet-file.js';
import { readHeldCredential } from '../../wallet/read-held-credential.js';
import { receiveCredentials } from '../../wallet/receive-credentials.js';
import { authorizeAndReceive } from '../../wallet/authorize-credentials.js';
import { badRequest } from '../../errors.js';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { presentToVerifier } from '../../wallet/present-to-verifier.js';
import { answerDcApiRequest } from '../../wallet/answer-dc-api-request.js';
import { readPemChain } from '../../formats/x509/check-certificate-chain.js';
import { createCounterPresentation, renderCounterQr } from '../../wallet/create-counter-qr.js';
import { fetchHistory } from '../../wallet/fetch-history.js';
import { readHolderVerdict } from '../../wallet/read-holder-result.js';
import { engageAtCounter } from '../../wallet/engage-at-counter.js';
import QRCode from 'qrcode';
import { holderMessage } from '../../verdict/holder-messages.js';

const claimList = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

/**
 * `dproof wallet`: a reference holder wallet in a local file (keys and credentials), to take
 * an offer from POST /v1/offers through OpenID4VCI to a stored, verified credential.
 * The file is --file, else DPROOF_WALLET, else ./wallet.json.
 */
export function walletCommands(program: Command, io: CliIo): void {
  const { env } = io;
  const fileOf = (opts: { file?: string }) => resolve(opts.file ?? (env.DPROOF_WALLET?.trim() || 'wallet.json'));
  const wallet = program.command('wallet').description('a reference holder wallet kept in a local file (mode 0600)');

  wallet
    .command('init')
    .description('create a wallet file with a new P-256 key')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet init --file ~/wallet.json')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const path = fileOf(opts);
      const w = await createWallet(path, new Date());
      const kid = w.keys[0]?.kid ?? '';
      createOutput(Boolean(opts.json), io).data(
        { file: path, key: kid },
        () => `created wallet ${path}\nkey: ${kid} (P-256, stays in this file)`,
      );
    });

  wallet
    .command('receive <offer>')
    .description('receive the credential(s) of an offer link (openid-credential-offer://…) over OpenID4VCI')
    .option('--tx-code <code>', 'transaction code the issuer gave you on another channel')
    .option('--batch <n>', 'how many copies, each bound to its own key (up to the issuer batch_size)', '1')
    .option('--wait <seconds>', 'when the issuer defers issuance, keep polling this long (at its interval)', '300')
    .option('--encrypt', 'ask for encrypted credential responses and encrypt the requests (OpenID4VCI §8.2, §10)')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      "\nExample:\n  $ dproof wallet receive 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2F…' --tx-code 123456",
    )
    .action(
      async (offer: string, opts: { txCode?: string; batch: string; wait: string; encrypt?: boolean; file?: string; json?: boolean }) => {
        if (!/^\d{1,3}$/.test(opts.batch) || Number(opts.batch) < 1)
          throw badRequest('invalid_batch', `--batch must be a whole number from 1, got ${opts.batch}`);
        if (!/^\d{1,6}$/.test(opts.wait)) throw badRequest('invalid_wait', `--wait must be a whole number of seconds, got ${opts.wait}`);
        const path = fileOf(opts);
        const before = readWallet(path);
        const {
          wallet: after,
          received,
          acknowledge,
        } = await receiveCredentials(before, {
          offerLink: offer,
          txCode: opts.txCode,
          count: Number(opts.batch),
          waitSeconds: Number(opts.wait),
          encrypt: opts.encrypt === true,
        });
        writeWallet(path, after);
        // OpenID4VCI §11: stored, so tell the issuer (best effort).
        await acknowledge();
        printReceived(io, Boolean(opts.json), received);
      },
    );

  wallet
    .command('authorize <issuer> <configuration>')
    .description('start issuance from the wallet (authorization code flow): log in in a browser, receive the credential')
    .option('--issuer-state <value>', "an offer's issuer_state, when an offer asked for a login")
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet authorize https://issuer.example driver-license')
    .action(async (issuer: string, configurationId: string, opts: { issuerState?: string; file?: string; json?: boolean }) => {
      const path = fileOf(opts);
      const before = readWallet(path);
      const { wallet: after, received } = await authorizeAndReceive(before, {
        issuer,
        configurationId,
        issuerState: opts.issuerState,
        // The login page, for the holder's browser (stderr: stdout stays the result).
        onAuthorizationUrl: (url) => io.stderr.write(`open this page in a browser to log in:\n${url}\n`),
      });
      writeWallet(path, after);
      printReceived(io, Boolean(opts.json), received);
    });

  wallet
    .command('list')
    .description('credentials in the wallet (never their contents or keys)')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet list --json')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const w = readWallet(fileOf(opts));
      const view = w.credentials.map((c) => ({
        id: c.id,
        issuer: c.credential_issuer,
        configuration: c.credential_configuration_id,
        format: c.format,
        kind: c.kind,
        key: c.key,
        received_at: c.received_at,
        expires_at: c.expires_at,
      }));
      createOutput(Boolean(opts.json), io).data(view, () =>
        table(view, ['id', 'configuration', 'format', 'received_at', 'expires_at'], WALLET_ID_HEADING),
      );
    });

  wallet
    .command('show <credential>')
    .description('the claims a credential holds, as its holder sees them (an mdoc by namespace)')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .addHelpText('after', '\nExample:\n  $ dproof wallet show 30ea3086-4ecf-469b-b62d-9c56c9919b74')
    .action((id: string, opts: { file?: string }) => {
      const cred = readWallet(fileOf(opts)).credentials.find((c) => c.id === id);
      if (!cred) throw badRequest('credential_not_in_wallet', `no credential ${id} in this wallet; see dproof wallet list`);
      createOutput(true, io).data(readHeldCredential(cred), () => '');
    });

  presentOptions(
    wallet
      .command('present <link>')
      .description('answer an OpenID4VP request (openid4vp://…): shows who asks and why, then sends only the chosen claims'),
  )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      "\nExample:\n  $ dproof wallet present 'openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3A…&request_uri=…' --disclose age_over_19\n  $ dproof wallet present 'openid4vp://?client_id=x509_hash%3A…&request_uri=…' --trust-anchor keys/verifier-dev-root-….pem",
    )
    .action(async (link: string, opts: { disclose?: string; trustAnchor?: string[]; file?: string; json?: boolean }) => {
      const r = await presentToVerifier(readWallet(fileOf(opts)), {
        link,
        disclose: claimList(opts.disclose),
        trustAnchors: readTrustAnchors(opts.trustAnchor),
      });
      const result = await readHolderVerdict(r.response);
      createOutput(Boolean(opts.json), io).data({ ...r, ...(result && { result }) }, () =>
        [
          `verifier: ${r.verifier.name ?? r.verifier.client_id}${r.verifier.purpose ? ` — ${r.verifier.purpose.ko ?? ''} / ${r.verifier.purpose.en ?? ''}` : ''}`,
          ...(r.verifier.logo_uri ? [`verifier logo: ${r.verifier.logo_uri}`] : []),
          ...Object.entries(r.disclosed).map(([q, d]) => `sent ${d.claims.join(', ')} from credential ${d.credential} (query ${q})`),
          result ? `${result.verdict}: ${result.message.ko} / ${result.message.en}` : `verifier answered: ${JSON.stringify(r.response)}`,
        ].join('\n'),
      );
    });

  presentOptions(
    wallet
      .command('present-dc-api')
      .description(
        "answer a Digital Credentials API request as the platform wallet: reads the page's request, prints the data the page hands back",
      ),
  )
    .requiredOption('--origin <origin>', 'the origin of the calling page, as the browser gives it (https://shop.example)')
    .option('--request-file <path>', 'the request: one dc_api_requests entry { "protocol", "data" } (or the list); default: standard input')
    .addHelpText(
      'after',
      "\nExample:\n  $ jq '.dc_api_requests[0]' created.json | dproof wallet present-dc-api --origin https://shop.example > answer.json\n  (answer.json is the `data` for POST /v1/verifier/requests/{id}/dc-api-response)",
    )
    .action(async (opts: { origin: string; requestFile?: string; disclose?: string; trustAnchor?: string[]; file?: string }) => {
      const request = parseRequest(await readRequestText(io, opts.requestFile));
      const r = await answerDcApiRequest(readWallet(fileOf(opts)), {
        request,
        origin: opts.origin,
        disclose: claimList(opts.disclose),
        trustAnchors: readTrustAnchors(opts.trustAnchor),
      });
      // stdout is the answer alone (for the page, or a pipe); what was sent to whom goes to stderr.
      io.stderr.write(
        [
          `verifier: ${r.verifier.name ?? r.verifier.client_id ?? '(unsigned request)'} at ${r.verifier.origin} (${r.protocol})${r.verifier.purpose ? ` — ${r.verifier.purpose.ko ?? ''} / ${r.verifier.purpose.en ?? ''}` : ''}`,
          ...(r.verifier.logo_uri ? [`verifier logo: ${r.verifier.logo_uri}`] : []),
          ...Object.entries(r.disclosed).map(([q, d]) => `sent ${d.claims.join(', ')} from credential ${d.credential} (query ${q})`),
        ].join('\n') + '\n',
      );
      io.stdout.write(`${JSON.stringify(r.data)}\n`);
    });

  wallet
    .command('engage')
    .description("at a counter: show a small one-time QR the clerk scans, then answer the counter's request (OpenID4VP)")
    .option('--service <url>', 'the service that makes the QR (default: the issuer of your first credential)')
    .option('--disclose <claims>', 'comma-separated claims to disclose (default: exactly what the counter asks)')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet engage --disclose age_over_19')
    .action(async (opts: { service?: string; disclose?: string; file?: string; json?: boolean }) => {
      const r = await engageAtCounter(readWallet(fileOf(opts)), {
        service: opts.service,
        disclose: claimList(opts.disclose),
        onLink: (link, expiresIn) => {
          // The QR goes to stderr (the terminal), so stdout stays the answer for scripts.
          void QRCode.toString(link, { type: 'terminal', small: true, errorCorrectionLevel: 'M' }).then((qr) =>
            io.stderr.write(
              `${qr}\n${link}\n창구 직원에게 보여 주십시오 (${expiresIn}초, 한 번만). / Show it to the clerk (${expiresIn} s, once).\n`,
            ),
          );
        },
      });
      const result = await readHolderVerdict(r.response);
      createOutput(Boolean(opts.json), io).data({ ...r, ...(result && { result }) }, () =>
        [
          `verifier: ${r.verifier.name ?? r.verifier.client_id}`,
          ...Object.entries(r.disclosed).map(([q, d]) => `sent ${d.claims.join(', ')} from credential ${d.credential} (query ${q})`),
          result ? `${result.verdict}: ${result.message.ko} / ${result.message.en}` : `verifier answered: ${JSON.stringify(r.response)}`,
        ].join('\n'),
      );
    });

  wallet
    .command('qr <credential>')
    .description('make a counter QR: a presentation of the chosen claims for the counter whose challenge you scanned (never a portrait)')
    .requiredOption('--disclose <claims>', 'comma-separated claims to show, e.g. age_over_19')
    .requiredOption('--challenge <link>', "the counter's challenge, dproof-counter:?aud=…&nonce=… (shown by the clerk's screen)")
    .option(
      '--out <file>',
      'write the QR as .svg or .png; without it the presentation is printed, and the QR drawn when stdout is a terminal',
    )
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .addHelpText(
      'after',
      "\nExample:\n  $ dproof wallet qr 5f0c… --disclose age_over_19 --challenge 'dproof-counter:?aud=…&nonce=…' --out counter.svg",
    )
    .action(async (credential: string, opts: { disclose: string; challenge: string; out?: string; file?: string }) => {
      // The file name is checked before the wallet is read or anything is signed.
      const format = opts.out === undefined ? undefined : opts.out.endsWith('.png') ? 'png' : opts.out.endsWith('.svg') ? 'svg' : undefined;
      if (opts.out !== undefined && !format) throw badRequest('invalid_out', '--out must end in .svg or .png');
      const { presentation } = await createCounterPresentation(readWallet(fileOf(opts)), {
        credentialId: credential,
        disclose: claimList(opts.disclose) ?? [],
        challenge: opts.challenge,
      });
      if (opts.out && format) {
        writeFileSync(opts.out, await renderCounterQr(presentation, format));
        io.stdout.write(`wrote ${opts.out} (${presentation.length} characters; valid for 2 minutes, accepted once)\n`);
        return;
      }
      if (io.stdout.isTTY) io.stdout.write(`${String(await renderCounterQr(presentation, 'terminal'))}\n`);
      io.stdout.write(`${presentation}\n`);
    });

  wallet
    .command('history')
    .description('where your credentials were presented (receipts, claim names only)')
    .option('--service <url>', 'the service to ask (default: each credential issuer)')
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ dproof wallet history --json')
    .action(async (opts: { service?: string; file?: string; json?: boolean }) => {
      const entries = await fetchHistory(readWallet(fileOf(opts)), { service: opts.service });
      const rows = entries.map((e) => ({
        at: e.receipt.at,
        // Every credential bound to the key that presented: the service cannot tell which of them it was.
        credential: e.credentials.join(','),
        verifier: (e.receipt.verifier as { name?: string } | undefined)?.name ?? '',
        channel: e.receipt.channel,
        claims: Array.isArray(e.receipt.claims) ? e.receipt.claims.join(',') : '',
        verdict: e.receipt.verdict,
        // A refusal in words (Korean / English), never only its code.
        reason:
          e.receipt.verdict === 'verified' || typeof e.receipt.code !== 'string'
            ? ''
            : `${holderMessage(e.receipt.code).ko} / ${holderMessage(e.receipt.code).en}`,
      }));
      createOutput(Boolean(opts.json), io).data(entries, () =>
        table(rows, ['at', 'verifier', 'channel', 'claims', 'verdict', 'reason', 'credential']),
      );
    });
}

/** What the holder gives both ways of presenting (`wallet present`, `wallet present-dc-api`). */
const presentOptions = (cmd: Command): Command =>
  cmd
    .option('--disclose <claims>', 'comma-separated claims to disclose (default: exactly what the verifier asked)')
    .option(
      '--trust-anchor <pem-file>',
      'a CA certificate (PEM) trusted for X.509 verifiers (x509_san_dns, x509_hash); repeat for more',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--file <path>', 'wallet file (default: $DPROOF_WALLET or ./wallet.json)');

const readTrustAnchors = (files: string[] | undefined): Uint8Array[] => (files ?? []).flatMap((f) => readPemChain(readFileSync(f, 'utf8')));

/** A DC API request is a few kB (a signed request object, a DCQL query); past this it is not one. */
const MAX_REQUEST_BYTES = 256 * 1024;

async function readRequestText(io: CliIo, path: string | undefined): Promise<string> {
  const tooLarge = () => badRequest('invalid_request_file', `the request is over ${MAX_REQUEST_BYTES / 1024} kB`);
  if (path !== undefined) {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw badRequest('invalid_request_file', `cannot read --request-file ${path}`);
    }
    if (size > MAX_REQUEST_BYTES) throw tooLarge();
    return readFileSync(path, 'utf8');
  }
  let text: string | undefined;
  try {
    text = await io.readStdin?.(MAX_REQUEST_BYTES);
  } catch {
    throw tooLarge();
  }
  if (text === undefined || text.trim() === '')
    throw badRequest('invalid_request_file', 'give the request with --request-file <path> or on standard input');
  return text;
}

function parseRequest(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalid_request_file', 'the request is not JSON: give one dc_api_requests entry { "protocol", "data" }');
  }
}

/**
 * The wallet names its credentials itself; the issuer's registry (`POST /v1/credentials/{id}/revoke`)
 * has ids of its own that never reach a wallet. The heading says so, so nobody revokes with this one.
 */
const WALLET_ID_HEADING = { id: 'WALLET_ID' };

/** What `wallet receive` and `wallet authorize` print: the credentials just stored, by their wallet ids. */
function printReceived(io: CliIo, json: boolean, received: readonly StoredCredential[]): void {
  const view = received.map((c) => ({
    id: c.id,
    configuration: c.credential_configuration_id,
    format: c.format,
    key: c.key,
    expires_at: c.expires_at,
  }));
  createOutput(json, io).data(view, () =>
    [
      `received ${received.length} credential${received.length === 1 ? '' : 's'} from ${received[0]?.credential_issuer ?? ''} (signature and key binding checked)`,
      table(view, ['id', 'configuration', 'format', 'expires_at'], WALLET_ID_HEADING),
    ].join('\n'),
  );
}
