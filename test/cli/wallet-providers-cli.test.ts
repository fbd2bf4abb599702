/** `dproof wallet-providers check`: the TRUSTED_WALLET_PROVIDERS file as the server reads it. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDproof } from '../helpers/spawn-server.js';
import { providerPki, providersFile, walletProvider } from '../openid4vci/attestation-helpers.js';

describe('dproof wallet-providers check', () => {
  it('lists the trusted keys and CA certificates of a good file', async () => {
    const file = providersFile([walletProvider('키 지갑')], [await providerPki('PKI Wallet Co.')]);
    const r = await runDproof(['wallet-providers', 'check', '--json'], { TRUSTED_WALLET_PROVIDERS: file });
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { provider: string; kind: string }[];
    assert.deepEqual(
      rows.map((x) => [x.provider, x.kind]),
      [
        ['키 지갑', 'key'],
        ['PKI Wallet Co.', 'ca'],
      ],
    );
    const human = await runDproof(['wallet-providers', 'check', '--file', file], {});
    assert.match(human.stdout, /PROVIDER\s+KIND/);
  });

  it('refuses a bad file with one line naming the variable', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'dproof-wp-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ providers: [{ name: 'x', keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }] }));
    const r = await runDproof(['wallet-providers', 'check', '--file', bad], {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^dproof: configuration error: TRUSTED_WALLET_PROVIDERS: providers\[0\]\.keys\[0\]/);
  });
});
