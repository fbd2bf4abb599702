import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStoreTarget, storeTargets, type StoreTarget } from '../helpers/stores.js';
import { runDproof, spawnDproof, spawnServer } from '../helpers/spawn-server.js';
import { readKeyFile } from '../../src/keys/key-file.js';
import { migrationProvider } from '../../src/store/migrations/index.js';

interface KeyJson {
  kid: string;
  alg: string;
  state: string;
  activated_at: string;
}

for (const backend of storeTargets()) {
  describe(`dproof CLI on ${backend}`, () => {
    let target: StoreTarget;
    const outputs: string[] = [];
    const dproof = async (...args: string[]) => {
      const r = await runDproof(args, target.env);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const json = async <T>(...args: string[]): Promise<T> => {
      const r = await dproof(...args, '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as T;
    };
    beforeAll(async () => {
      target = await makeStoreTarget(backend);
    });
    afterAll(() => target.cleanup());

    it('migrates the store and says so', async () => {
      const r = await json<{ store: string; applied: string[] }>('db', 'migrate');
      assert.equal(r.store, backend);
      const all = Object.keys(await migrationProvider(backend).getMigrations()).sort();
      assert.deepEqual(r.applied, all);
      assert.deepEqual((await json<{ applied: string[] }>('db', 'migrate')).applied, []);
    });

    it('walks keys through generate → rotate → list → jwks → retire', async () => {
      const first = await json<KeyJson>('keys', 'generate');
      assert.equal(first.state, 'active');
      const again = await dproof('keys', 'generate');
      assert.equal(again.code, 1);
      assert.match(again.stderr, /^dproof: an active ES256 key exists/);
      assert.equal(again.stderr.trim().split('\n').length, 1, 'one-line error');

      const rotated = await json<{ active: KeyJson; retiring: string }>('keys', 'rotate');
      assert.equal(rotated.retiring, first.kid);
      const list = await json<KeyJson[]>('keys', 'list');
      assert.deepEqual(
        list.map((k) => [k.kid, k.state]),
        [
          [first.kid, 'retiring'],
          [rotated.active.kid, 'active'],
        ],
      );
      const jwks = JSON.parse((await dproof('keys', 'jwks')).stdout) as { keys: { kid: string; d?: string }[] };
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [first.kid, rotated.active.kid].sort());
      assert.ok(jwks.keys.every((k) => k.d === undefined));

      const refuse = await dproof('keys', 'retire', rotated.active.kid);
      assert.equal(refuse.code, 1);
      assert.match(refuse.stderr, /rotate/);
      assert.equal(
        (await json<KeyJson[]>('keys', 'list')).find((k) => k.kid === rotated.active.kid)?.state,
        'active',
        'refusal changed nothing',
      );

      // Nodes still sign with the displaced key until KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s after the
      // rotation: retiring it earlier is refused, with --force too (here with the defaults: 63 s).
      const early = await runDproof(['keys', 'retire', first.kid, '--force'], { ...target.env });
      outputs.push(early.stdout, early.stderr);
      assert.equal(early.code, 1);
      assert.match(early.stderr, /nodes may still sign with it until/);
      assert.equal((await json<KeyJson[]>('keys', 'list')).find((k) => k.kid === first.kid)?.state, 'retiring', 'refusal changed nothing');
      const handoverEnds = Date.parse(rotated.active.activated_at) + 100 + 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, handoverEnds - Date.now())));
      const late = await runDproof(['keys', 'retire', first.kid, '--json'], { ...target.env, KEY_REFRESH_MS: '100', JWKS_MAX_AGE: '0' });
      outputs.push(late.stdout, late.stderr);
      assert.equal(late.code, 0, late.stderr);
      const retired = JSON.parse(late.stdout) as { key: KeyJson };
      assert.equal(retired.key.state, 'retired');
      const after = JSON.parse((await dproof('keys', 'jwks')).stdout) as { keys: { kid: string }[] };
      assert.deepEqual(
        after.keys.map((k) => k.kid),
        [rotated.active.kid],
      );

      // Thumbprints are base64url: one kid in 64 begins with "-", and must still be accepted as a kid.
      const dashed = await dproof('keys', 'retire', '-c7IcgMrbilLkwbf5978e1Ubb5RVjD5dRV_S00rbrxQ');
      assert.equal(dashed.code, 1);
      assert.doesNotMatch(dashed.stderr, /unknown option/);
      assert.match(dashed.stderr, /-c7IcgMrbilLkwbf5978e1Ubb5RVjD5dRV_S00rbrxQ/, 'names the kid it did not find');

      const ed = await json<KeyJson>('keys', 'generate', '--alg', 'EdDSA');
      assert.equal(ed.alg, 'EdDSA');
      const bad = await dproof('keys', 'rotate', '--alg', 'HS256');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /ES256 or EdDSA/);
    });

    it('retires a leaked key at once: rotate --force, then retire --compromised inside the handover', async () => {
      const before = (await json<KeyJson[]>('keys', 'list')).find((k) => k.state === 'active')!;
      const rotated = await json<{ active: KeyJson; retiring: string }>('keys', 'rotate', '--force');
      assert.equal(rotated.retiring, before.kid);
      const plain = await dproof('keys', 'retire', before.kid, '--force');
      assert.equal(plain.code, 1, 'inside the handover, --force alone waits');
      assert.match(plain.stderr, /nodes may still sign with it until/);
      const r = await dproof('keys', 'retire', before.kid, '--compromised', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { compromised: boolean }).compromised, true);
      assert.match(r.stderr, /retired as compromised/);
      const kids = (JSON.parse((await dproof('keys', 'jwks')).stdout) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      assert.ok(kids.includes(rotated.active.kid));
      assert.ok(!kids.includes(before.kid), 'the leaked key is no longer published');
    });
    it("refuses to rotate or generate with a key folder or passphrase that opens none of the servers' keys, changing nothing", async () => {
      const before = await json<KeyJson[]>('keys', 'list');
      const wrong: Record<string, string>[] = [
        { KEYS_DIR: join(target.keysDir, '..', 'typo-keys') },
        { DPROOF_KEY_PASSPHRASE: 'a different passphrase, long enough to pass' },
      ];
      for (const env of wrong) {
        for (const args of [
          ['keys', 'rotate'],
          ['keys', 'generate', '--alg', 'EdDSA'],
        ]) {
          const r = await runDproof(args, { ...target.env, ...env });
          outputs.push(r.stdout, r.stderr);
          assert.equal(r.code, 1, `${args.join(' ')} with ${Object.keys(env)[0]}: ${r.stdout}`);
          if (args[1] === 'rotate') assert.match(r.stderr, /open none of the keys in use/);
        }
      }
      assert.deepEqual(await json<KeyJson[]>('keys', 'list'), before, 'no key was made active');
    });

    it('creates, lists and revokes clients; the key is printed once and never listed', async () => {
      const made = await json<{ id: string; apiKey: string }>(
        'clients',
        'create',
        '--role',
        'verifier',
        '--name',
        '은행 A',
        '--rate-limit',
        '0',
      );
      assert.match(made.apiKey, /^dproof_c[0-9a-f]{16}_/);
      const list = await dproof('clients', 'list', '--json');
      assert.ok(list.stdout.includes(made.id) && !list.stdout.includes(made.apiKey.slice(`dproof_${made.id}_`.length)));
      const revoked = await json<{ revoked_at: string | null }>('clients', 'revoke', made.id);
      assert.ok(revoked.revoked_at);
      const twice = await dproof('clients', 'revoke', made.id);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /already revoked/);
      const unknown = await dproof('clients', 'revoke', 'c0000000000000000');
      assert.equal(unknown.code, 1);
      const badRole = await dproof('clients', 'create', '--role', 'root', '--name', 'x');
      assert.notEqual(badRole.code, 0);
      const badRate = await dproof('clients', 'create', '--role', 'issuer', '--name', 'x', '--rate-limit', '-3');
      assert.notEqual(badRate.code, 0);
    });

    it('shows an example in every command help', async () => {
      for (const cmd of [
        ['db', 'migrate'],
        ['keys', 'generate'],
        ['keys', 'list'],
        ['keys', 'rotate'],
        ['keys', 'retire'],
        ['keys', 'jwks'],
        ['clients', 'create'],
        ['clients', 'list'],
        ['clients', 'revoke'],
        ['serve'],
      ]) {
        const r = await dproof(...cmd, '--help');
        assert.equal(r.code, 0);
        assert.match(r.stdout, /Example:/, cmd.join(' '));
      }
    });

    it('never prints a private key', async () => {
      const list = await json<{ kid: string; state: string }[]>('keys', 'list');
      for (const k of list) {
        const { privateKey } = readKeyFile(join(target.keysDir, `${k.kid}.key.json`), target.env.DPROOF_KEY_PASSPHRASE as string);
        const d = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
        assert.ok(d.length > 20);
        assert.ok(!outputs.join('\n').includes(d), `private key of ${k.kid} leaked`);
      }
    });
  });
}

// Smoke tests of the real command: the compiled CLI in its own process (the rest call it in-process).
describe('the compiled dproof command', () => {
  it('prints its help, exits 0 on success and 1 with one line on an error', async () => {
    const help = await spawnDproof(['--help'], {});
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['serve', 'db', 'keys', 'clients', 'wallet']) assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    const target = await makeStoreTarget('sqlite');
    try {
      const made = await spawnDproof(['keys', 'generate', '--json'], target.env);
      assert.equal(made.code, 0, made.stderr);
      assert.equal((JSON.parse(made.stdout) as KeyJson).state, 'active');
      const again = await spawnDproof(['keys', 'generate'], target.env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /^dproof: an active ES256 key exists[^\n]*\n$/);
      // Usage mistakes are one line too, not the usage text.
      for (const [args, said] of [
        [['no-such-command'], /unknown command 'no-such-command'/],
        [['keys', 'jwks', '--no-such-option'], /unknown option '--no-such-option'/],
        [['keys', 'retire'], /missing required argument 'kid'/],
        [['clients', 'create', '--role', 'superuser', '--name', 'x'], /superuser/],
      ] as const) {
        const r = await spawnDproof([...args], target.env);
        assert.equal(r.code, 1, args.join(' '));
        assert.match(r.stderr, /^dproof: [^\n]*\(see --help\)\n$/, r.stderr);
        assert.match(r.stderr, said);
      }
    } finally {
      await target.cleanup();
    }
  });
});

describe('the server and a bad key file', () => {
  it('refuses to start with a message naming a corrupt key file, and with a wrong passphrase', async () => {
    const target = await makeStoreTarget('sqlite');
    try {
      const made = JSON.parse((await runDproof(['keys', 'generate', '--json'], target.env)).stdout) as { kid: string };
      const file = join(target.keysDir, `${made.kid}.key.json`);
      const good = readFileSync(file, 'utf8');
      writeFileSync(file, good.slice(0, 40));
      await assert.rejects(
        spawnServer(target.env, { timeoutMs: 20_000 }),
        (e: Error) => e.message.includes(file) && /corrupt or truncated/.test(e.message),
      );
      writeFileSync(file, good);
      await assert.rejects(
        spawnServer({ ...target.env, DPROOF_KEY_PASSPHRASE: 'not the right one' }, { timeoutMs: 20_000 }),
        /wrong DPROOF_KEY_PASSPHRASE/,
      );
      const ok = await spawnServer({ ...target.env, LOG_LEVEL: 'debug' });
      assert.equal(await ok.stop(), 0);
      // Neither the refusals above nor a running server's logs ever show the private key.
      const { privateKey } = readKeyFile(file, target.env.DPROOF_KEY_PASSPHRASE as string);
      const d = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
      assert.ok(ok.output().includes('signing keys loaded'), 'the server logged');
      assert.ok(!ok.output().includes(d), 'private key in the server log');
    } finally {
      await target.cleanup();
    }
  });

  it('refuses db migrate while a server holds the embedded store', async () => {
    const target = await makeStoreTarget('sqlite');
    const server = await spawnServer(target.env);
    try {
      const r = await runDproof(['db', 'migrate'], target.env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /running server \(pid \d+\) holds the store/);
      // A second server on the same embedded store is refused before it opens it, and the first
      // server's mark stays (it used to be taken over, then removed when the second stopped).
      const second = await spawnDproof(['serve'], { ...target.env, PORT: '0' });
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /another server \(pid \d+\) holds the embedded store/);
      assert.equal((await runDproof(['db', 'migrate'], target.env)).code, 1, 'still guarded');
      await server.stop();
      const after = await runDproof(['db', 'migrate'], target.env);
      assert.equal(after.code, 0, after.stderr);
    } finally {
      await server.stop();
      await target.cleanup();
    }
  });
});
