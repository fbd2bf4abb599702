import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';
import { ROOT } from './helpers/spawn-server.js';

describe('configuration', () => {
  it('runs on embedded defaults', () => {
    const c = loadConfig({}, '/srv/app');
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.publicUrl, 'http://localhost:3000');
    assert.equal(c.dataDir, '/srv/app/data');
    assert.equal(c.keysDir, '/srv/app/keys');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.keyAlg, 'ES256');
    assert.equal(c.jwksMaxAgeS, 60);
    assert.equal(c.storeLockTimeoutMs, 5000);
    assert.equal(loadConfig({ STORE_LOCK_TIMEOUT_MS: '750' }, '/srv/app').storeLockTimeoutMs, 750);
  });

  it('names the bad variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ PORT: 'eighty' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
      [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
      [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
      [{ STORE_LOCK_TIMEOUT_MS: '50' }, 'STORE_LOCK_TIMEOUT_MS'],
      [{ STORE_LOCK_TIMEOUT_MS: 'soon' }, 'STORE_LOCK_TIMEOUT_MS'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ KEY_ALG: 'HS256' }, 'KEY_ALG'],
      [{ BODY_LIMIT: '-1' }, 'BODY_LIMIT'],
      [{ DPROOF_KEY_PASSPHRASE: 'short' }, 'DPROOF_KEY_PASSPHRASE'],
      [{ NODE_ENV: 'production' }, 'DPROOF_KEY_PASSPHRASE'],
      [{ WORKERS: '0' }, 'WORKERS'],
      [{ WORKERS: 'many' }, 'WORKERS'],
      [{ REFRESH_TOKEN_TTL_SECONDS: '-1' }, 'REFRESH_TOKEN_TTL_SECONDS'],
      [{ CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED: 'yes' }, 'CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED'],
      [{ CREDENTIAL_REQUEST_KEY_GRACE_SECONDS: '60' }, 'CREDENTIAL_REQUEST_KEY_GRACE_SECONDS'],
      [{ WALLET_TRUST_ANCHORS: '/nonexistent/anchors.pem' }, 'WALLET_TRUST_ANCHORS'],
      [{ TRUSTED_ISSUER_CAS: '/nonexistent/ca.pem|' }, 'TRUSTED_ISSUER_CAS'],
      [{ STATUS_TTL_SECONDS: '3600', STATUS_TOKEN_VALIDITY_SECONDS: '3600' }, 'STATUS_TTL_SECONDS'],
      [{ JWKS_MAX_AGE: '3601' }, 'JWKS_MAX_AGE'],
      [{ JWKS_MAX_AGE: '-1' }, 'JWKS_MAX_AGE'],
    ];
    for (const [env, name] of cases) {
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && e.variable === name && e.message.startsWith(`${name}:`),
        name,
      );
    }
  });

  it('refuses a DEFERRED_CONFIGURATIONS entry that is no configuration id, as DPOP_REQUIRED does', () => {
    assert.deepEqual(loadConfig({ DEFERRED_CONFIGURATIONS: ' driver-license , pid.v1 ,' }).deferredConfigurations, [
      'driver-license',
      'pid.v1',
    ]);
    for (const name of ['DEFERRED_CONFIGURATIONS', 'DPOP_REQUIRED']) {
      assert.throws(
        () => loadConfig({ [name]: 'driver-license,pid v1' }),
        (e: unknown) => e instanceof ConfigError && e.variable === name && e.message.includes('"pid v1"'),
        name,
      );
    }
  });

  it('runs one server process unless WORKERS asks for more (auto: one per core)', () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ WORKERS: '2' }).workers, 2);
    assert.equal(loadConfig({ WORKERS: 'auto' }).workers, Math.min(64, availableParallelism()));
  });

  it('derives PUBLIC_URL from PORT and drops a trailing slash', () => {
    assert.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
    assert.equal(loadConfig({ PUBLIC_URL: 'https://proof.example.kr/' }).publicUrl, 'https://proof.example.kr');
  });

  it('is documented variable by variable in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const v of CONFIG_VARIABLES) assert.ok(readme.includes(`| \`${v.name}\` |`), `README lacks ${v.name}`);
  });
});
