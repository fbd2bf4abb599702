import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, verify } from 'node:crypto';
import { FileKeyStore } from '../../src/keys/file-key-store.js';
import { KeyFileError } from '../../src/keys/key-file.js';
import { resolvePassphrase } from '../../src/keys/passphrase.js';

describe('encrypted key files', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dproof-keys-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`generates an ${alg} key whose file is 0600, encrypted, and signs verifiably`, async () => {
      const ks = new FileKeyStore(dir, 'correct horse battery');
      const key = await ks.generate(alg);
      const file = join(dir, key.file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes('PRIVATE KEY') && !/"d"\s*:/.test(text), 'no plain private key in the file');
      assert.equal(key.publicJwk.d, undefined);
      const signer = await ks.load({ kid: key.kid, file: key.file });
      assert.equal(signer.kid, key.kid);
      const data = Buffer.from('signing input');
      const sig = await signer.sign(data);
      assert.equal(sig.length, 64);
      const pub = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
      assert.ok(verify(alg === 'ES256' ? 'sha256' : null, data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig));
    });
  }

  it('names the file when the passphrase is wrong', async () => {
    const key = await new FileKeyStore(dir, 'correct horse battery').generate('ES256');
    await assert.rejects(new FileKeyStore(dir, 'wrong passphrase!!').load(key), (e: unknown) => {
      assert.ok(e instanceof KeyFileError);
      assert.match(e.message, new RegExp(key.file.replace(/[.]/g, '\\.')));
      assert.match(e.message, /wrong DPROOF_KEY_PASSPHRASE/);
      return true;
    });
  });

  it('names the file when it is truncated, altered or not a key file', async () => {
    const ks = new FileKeyStore(dir, 'correct horse battery');
    const key = await ks.generate('ES256');
    const file = join(dir, key.file);
    const good = readFileSync(file, 'utf8');
    const cases: [string, RegExp][] = [
      [good.slice(0, good.length / 2), /corrupt or truncated/],
      [good.replace(/"ciphertext": "(.)/, (_m, c: string) => `"ciphertext": "${c === 'A' ? 'B' : 'A'}`), /cannot be decrypted/],
      ['{"hello": "world"}', /not a digital-proof key file/],
      ['', /corrupt or truncated/],
    ];
    for (const [content, why] of cases) {
      writeFileSync(file, content);
      await assert.rejects(ks.load(key), (e: unknown) => e instanceof KeyFileError && e.message.includes(file) && why.test(e.message));
    }
    rmSync(file);
    await assert.rejects(ks.load(key), /cannot be read/);
  });

  it('generates the development passphrase once, into a 0600 file', () => {
    const d = mkdtempSync(join(tmpdir(), 'dproof-pass-'));
    const a = resolvePassphrase({ keysDir: d, passphrase: undefined });
    const b = resolvePassphrase({ keysDir: d, passphrase: undefined });
    assert.equal(a.generated, true);
    assert.equal(b.generated, false);
    assert.equal(a.value, b.value);
    assert.equal(statSync(join(d, '.passphrase')).mode & 0o777, 0o600);
    assert.equal(resolvePassphrase({ keysDir: d, passphrase: 'from-the-environment' }).source, 'env');
    assert.deepEqual(readdirSync(d), ['.passphrase'], 'no temporary files left behind');
    rmSync(d, { recursive: true });
  });
});
