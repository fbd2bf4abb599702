/**
 * The reference wallet and the operator CLI refuse bad input with catalogued codes: each case
 * runs the real function or the real command in-process (commander, real files, a real HTTP peer)
 * and asserts the code and status of the AppError it throws.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../../src/errors.js';
import { buildCli } from '../../src/cli/main.js';
import { PID_FILE } from '../../src/store/server-lock.js';
import { createWallet } from '../../src/wallet/create-wallet.js';
import { readWallet, type Wallet } from '../../src/wallet/wallet-file.js';
import { receiveCredentials } from '../../src/wallet/receive-credentials.js';
import { createCounterPresentation } from '../../src/wallet/create-counter-qr.js';
import { fetchForWallet } from '../../src/wallet/wallet-http.js';

async function refusal(run: () => unknown): Promise<{ code: string; status: number }> {
  try {
    await run();
  } catch (e) {
    assert.ok(isAppError(e), String(e));
    return { code: e.code, status: e.status };
  }
  assert.fail('expected a refusal');
}

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
const offerLink = (offer: unknown) => `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;

describe('wallet and CLI refusals', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dproof-wallet-errors-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing wallet file is wallet_not_found; a second init is wallet_exists; a world-readable one wallet_insecure; garbage wallet_corrupt', async () => {
    const file = join(dir, 'wallet.json');
    assert.deepEqual(await refusal(() => readWallet(file)), { code: 'wallet_not_found', status: 400 });
    await createWallet(file, new Date());
    assert.deepEqual(await refusal(() => createWallet(file, new Date())), { code: 'wallet_exists', status: 409 });
    chmodSync(file, 0o644);
    assert.deepEqual(await refusal(() => readWallet(file)), { code: 'wallet_insecure', status: 400 });
    writeFileSync(file, '{"version": 2}', { mode: 0o600 });
    chmodSync(file, 0o600);
    assert.deepEqual(await refusal(() => readWallet(file)), { code: 'wallet_corrupt', status: 400 });
  });

  it('an offer that is not an offer link is invalid_offer_link, before anything is fetched', async () => {
    const wallet = await createWallet(join(dir, 'link.json'), new Date());
    const noFetch = (() => assert.fail('nothing may be fetched')) as unknown as typeof fetch;
    assert.deepEqual(await refusal(() => receiveCredentials(wallet, { offerLink: 'https://issuer.example/offer', fetch: noFetch })), {
      code: 'invalid_offer_link',
      status: 400,
    });
  });

  it('an offer with a tx_code needs --tx-code (tx_code_required), before anything is fetched', async () => {
    const wallet = await createWallet(join(dir, 'tx.json'), new Date());
    const offer = {
      credential_issuer: 'https://issuer.example',
      credential_configuration_ids: ['x'],
      grants: { [PRE_AUTH]: { 'pre-authorized_code': 'abc', tx_code: { length: 6 } } },
    };
    const noFetch = (() => assert.fail('nothing may be fetched')) as unknown as typeof fetch;
    assert.deepEqual(await refusal(() => receiveCredentials(wallet, { offerLink: offerLink(offer), fetch: noFetch })), {
      code: 'tx_code_required',
      status: 400,
    });
  });

  it('an offer without a pre-authorized code is receive_failed (502: the issuer sent something a wallet refuses)', async () => {
    const wallet = await createWallet(join(dir, 'nograt.json'), new Date());
    const offer = { credential_issuer: 'https://issuer.example', credential_configuration_ids: ['x'], grants: {} };
    assert.deepEqual(await refusal(() => receiveCredentials(wallet, { offerLink: offerLink(offer) })), {
      code: 'receive_failed',
      status: 502,
    });
  });

  describe('a peer that answers more than a wallet reads', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 64 * 1024 * 1024) res.once('drain', pump);
          else res.end();
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    it('is answer_too_large; one that is down is the operation code (present_failed)', async () => {
      assert.deepEqual(await refusal(() => fetchForWallet(fetch, `${base}/metadata`, { accept: 'application/json' }, 'issuer metadata')), {
        code: 'answer_too_large',
        status: 502,
      });
      assert.deepEqual(
        await refusal(() =>
          fetchForWallet(fetch, 'http://127.0.0.1:1/request', { accept: 'application/json' }, 'request object', 'present_failed'),
        ),
        { code: 'present_failed', status: 502 },
      );
    });
  });

  it('a counter QR refuses an unknown credential, a credential without a holder key, no claims, a portrait, a lost key and a bad challenge', async () => {
    const base = await createWallet(join(dir, 'qr.json'), new Date());
    const stored = {
      credential_issuer: 'https://issuer.example',
      credential_configuration_id: 'x',
      kind: 'x',
      credential: 'x~',
      received_at: new Date().toISOString(),
      expires_at: null,
    };
    const wallet: Wallet = {
      ...base,
      credentials: [
        { ...stored, id: 'plain', format: 'vc+jwt', key: null },
        { ...stored, id: 'bound', format: 'dc+sd-jwt', key: base.keys[0]!.kid },
        { ...stored, id: 'orphan', format: 'dc+sd-jwt', key: 'no-such-key' },
      ],
    };
    const qr =
      (credentialId: string, disclose: string[], challenge = 'dproof-counter:?aud=x&nonce=y') =>
      () =>
        createCounterPresentation(wallet, { credentialId, disclose, challenge });
    assert.deepEqual(await refusal(qr('missing', ['age_over_19'])), { code: 'credential_not_in_wallet', status: 400 });
    assert.deepEqual(await refusal(qr('plain', ['age_over_19'])), { code: 'not_presentable', status: 400 });
    assert.deepEqual(await refusal(qr('bound', [])), { code: 'nothing_disclosed', status: 400 });
    assert.deepEqual(await refusal(qr('bound', ['portrait'])), { code: 'portrait_in_qr', status: 400 });
    assert.deepEqual(await refusal(qr('orphan', ['age_over_19'])), { code: 'wallet_corrupt', status: 400 });
    assert.deepEqual(await refusal(qr('bound', ['age_over_19'], 'not a challenge')), { code: 'invalid_challenge', status: 400 });
  });

  describe('CLI options', () => {
    let env: Record<string, string>;
    beforeAll(() => {
      env = {
        DATA_DIR: join(dir, 'data'),
        KEYS_DIR: join(dir, 'keys'),
        DPROOF_KEY_PASSPHRASE: 'wallet-cli-errors-test',
        DPROOF_WALLET: join(dir, 'cli-wallet.json'),
      };
    });
    // Output goes to buffers (the in-process CliIo), so a refusal's message does not reach the test's output.
    const cli = (argv: string[]) => () =>
      buildCli({ stdout: { write: () => true }, stderr: { write: () => true }, env })
        .exitOverride()
        .parseAsync(argv, { from: 'user' });

    it('a command on a DATA_DIR with no store is store_missing (404) and makes none; one that makes the first client makes it', async () => {
      const typo = { ...env, DATA_DIR: join(dir, 'data-typo') };
      const on = (e: Record<string, string>, argv: string[]) => () =>
        buildCli({ stdout: { write: () => true }, stderr: { write: () => true }, env: e })
          .exitOverride()
          .parseAsync(argv, { from: 'user' });
      for (const argv of [
        ['keys', 'list'],
        ['clients', 'list'],
        ['keys', 'jwks'],
        ['clients', 'revoke', 'c0000000000000000'],
        ['keys', 'ds'],
      ])
        assert.deepEqual(await refusal(on(typo, argv)), { code: 'store_missing', status: 404 }, argv.join(' '));
      assert.deepEqual(await refusal(on(typo, ['keys', 'generate', '--alg', 'RS256'])), { code: 'invalid_alg', status: 400 });
      assert.equal(existsSync(typo.DATA_DIR), false, 'no refused command made the folder');
      const noted: string[] = [];
      const fresh = { ...env, DATA_DIR: join(dir, 'data-fresh') };
      await buildCli({ stdout: { write: () => true }, stderr: { write: (s: string) => noted.push(s) > 0 }, env: fresh })
        .exitOverride()
        .parseAsync(['clients', 'create', '--role', 'issuer', '--name', 'A'], { from: 'user' });
      assert.match(noted.join(''), /^note: no store at .*data-fresh.*digital-proof\.db; making a new one/);
      assert.equal(existsSync(join(fresh.DATA_DIR, 'digital-proof.db')), true);
    });

    it('--batch 0 is invalid_batch, --out without .svg/.png invalid_out, --alg RS256 invalid_alg, --rate-limit x invalid_rate_limit', async () => {
      assert.deepEqual(
        await refusal(cli(['wallet', 'receive', 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fx', '--batch', '0'])),
        { code: 'invalid_batch', status: 400 },
      );
      assert.deepEqual(
        await refusal(cli(['wallet', 'receive', 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fx', '--wait', 'soon'])),
        { code: 'invalid_wait', status: 400 },
      );
      assert.deepEqual(await refusal(cli(['wallet', 'qr', 'id', '--disclose', 'age_over_19', '--challenge', 'x', '--out', 'qr.txt'])), {
        code: 'invalid_out',
        status: 400,
      });
      assert.deepEqual(await refusal(cli(['keys', 'generate', '--alg', 'RS256'])), { code: 'invalid_alg', status: 400 });
      assert.deepEqual(await refusal(cli(['clients', 'create', '--name', 'x', '--role', 'issuer', '--rate-limit', 'x'])), {
        code: 'invalid_rate_limit',
        status: 400,
      });
    });

    it('wallet present-dc-api without a readable JSON request is invalid_request_file (a missing file, not JSON, nothing on stdin)', async () => {
      const dcApi = (...more: string[]) => cli(['wallet', 'present-dc-api', '--origin', 'https://shop.example', ...more]);
      writeFileSync(join(dir, 'not-json.txt'), 'openid4vp://?client_id=x');
      for (const args of [['--request-file', join(dir, 'absent.json')], ['--request-file', join(dir, 'not-json.txt')], []])
        assert.deepEqual(await refusal(dcApi(...args)), { code: 'invalid_request_file', status: 400 });
    });

    it('wallet present-dc-api given JSON that is not a DC API request it answers is dc_api_request_invalid (400), not present_failed', async () => {
      await createWallet(env.DPROOF_WALLET!, new Date());
      const dcApi = (request: unknown) => {
        const file = join(dir, `dc-request-${Math.random().toString(36).slice(2)}.json`);
        writeFileSync(file, JSON.stringify(request));
        return cli(['wallet', 'present-dc-api', '--origin', 'https://shop.example', '--request-file', file]);
      };
      const unsigned = (data: unknown) => ({ protocol: 'openid4vp-v1-unsigned', data });
      const dcql = { credentials: [{ id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: ['x'] } }] };
      // A JWS that decodes but names no verifier (nothing is fetched: it is refused before verification).
      const noClientId = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`;
      const cases: [string, unknown][] = [
        ['an empty object', {}],
        ['an empty list', []],
        ['an empty dc_api_requests', { dc_api_requests: [] }],
        ['a request link as a JSON string', 'openid4vp://?client_id=x'],
        ['an entry without data', { protocol: 'openid4vp-v1-unsigned' }],
        ['a protocol this wallet does not answer', { protocol: 'openid4vp-v1-multisigned', data: {} }],
        ['unsigned data without response_mode and nonce', unsigned({})],
        ['unsigned data of a redirect request', unsigned({ response_mode: 'direct_post', nonce: 'n', dcql_query: dcql })],
        ['unsigned data without a DCQL query', unsigned({ response_mode: 'dc_api', nonce: 'n' })],
        ['dc_api.jwt without an encryption key', unsigned({ response_mode: 'dc_api.jwt', nonce: 'n', dcql_query: dcql })],
        ['a signed entry without data.request', { protocol: 'openid4vp-v1-signed', data: {} }],
        ['a signed entry whose request is not a JWS', { protocol: 'openid4vp-v1-signed', data: { request: 'not-a-jws' } }],
        ['a signed request without client_id', { protocol: 'openid4vp-v1-signed', data: { request: noClientId } }],
      ];
      for (const [what, request] of cases)
        assert.deepEqual(await refusal(dcApi(request)), { code: 'dc_api_request_invalid', status: 400 }, what);
      // The message says what to give instead.
      await assert.rejects(dcApi({}), /not a DC API request: give one \{ "protocol", "data" \} entry of dc_api_requests/);
      await assert.rejects(dcApi(unsigned({ response_mode: 'direct_post', nonce: 'n' })), /dproof wallet present/);
    });

    describe('with a server running on the embedded store', () => {
      let other: ChildProcess;
      beforeAll(() => {
        other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
        mkdirSync(env.DATA_DIR!, { recursive: true });
        writeFileSync(join(env.DATA_DIR!, PID_FILE), String(other.pid));
      });
      afterAll(() => {
        other.kill();
      });

      it('db migrate refuses with store_in_use (409)', async () => {
        assert.deepEqual(await refusal(cli(['db', 'migrate'])), { code: 'store_in_use', status: 409 });
      });
    });
  });
});
