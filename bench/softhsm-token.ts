/**
 * A SoftHSM 2 token for `npm run bench -- --signer pkcs11`, initialised in its own temporary
 * folder (its own SOFTHSM2_CONF), as the PKCS#11 test suites do: the benchmark never touches
 * the machine's tokens. Says why, instead, when SoftHSM is not installed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const DEFAULT_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** The SoftHSM module to use, or why there is none. */
export function findSoftHsm(): { module: string } | { skipped: string } {
  const module = process.env.PKCS11_MODULE ?? process.env.TEST_SOFTHSM ?? DEFAULT_MODULE;
  if (!existsSync(module))
    return { skipped: `no PKCS#11 module at ${module} (install the Debian package softhsm2, or set PKCS11_MODULE to libsofthsm2.so)` };
  const util = spawnSync('softhsm2-util', ['--version'], { encoding: 'utf8' });
  if (util.error || util.status !== 0) return { skipped: 'softhsm2-util is not on PATH (install the Debian package softhsm2)' };
  return { module };
}

/** A fresh token in `dir`; returns what the server and the CLI need to use it. */
export function initSoftHsmToken(module: string, dir: string, labelPrefix = 'dproof-bench'): Record<string, string> {
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const label = `${labelPrefix}-${randomBytes(3).toString('hex')}`;
  const pin = randomBytes(8).toString('hex');
  const r = spawnSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', randomBytes(8).toString('hex')],
    {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed (${r.error?.message ?? r.stderr})`);
  return { KEY_BACKEND: 'pkcs11', PKCS11_MODULE: module, PKCS11_TOKEN_LABEL: label, DPROOF_PKCS11_PIN: pin, SOFTHSM2_CONF: conf };
}
