/**
 * SoftHSM 2 tokens for the PKCS#11 suites. They run when TEST_SOFTHSM names the module
 * (.ci/run installs softhsm2 and sets /usr/lib/softhsm/libsofthsm2.so, so there they must run and
 * fail loudly if the module is missing) and say why they skipped otherwise. Each token lives in
 * its own temporary folder, named by its own SOFTHSM2_CONF, so suites never share a token.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const SOFTHSM_MODULE = process.env.TEST_SOFTHSM;
export const softhsmSkip: string | false = SOFTHSM_MODULE
  ? false
  : 'TEST_SOFTHSM is not set (path to libsofthsm2.so; .ci/run installs softhsm2 and sets it)';

export interface SoftHsmToken {
  label: string;
  pin: string;
  /** SOFTHSM2_CONF of this token: set in the environment of whoever loads the module. */
  conf: string;
  /** What a server or the CLI needs to use this token. */
  env: Record<string, string>;
  /** Takes the token away from the module (as an unplugged or failed HSM), and brings it back. */
  unplug(): void;
  plugBack(): void;
  cleanup(): void;
}

/** A fresh initialised token. Also sets SOFTHSM2_CONF in this process, for in-process apps. */
export function makeSoftHsmToken(): SoftHsmToken {
  if (!SOFTHSM_MODULE) throw new Error(softhsmSkip as string);
  const dir = mkdtempSync(join(tmpdir(), 'dproof-softhsm-'));
  const tokens = join(dir, 'tokens');
  const conf = join(dir, 'softhsm2.conf');
  mkdirSync(tokens);
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const label = `dproof-${randomBytes(3).toString('hex')}`;
  const pin = randomBytes(6).toString('hex');
  const r = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', randomBytes(6).toString('hex')], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed (${r.error?.message ?? r.stderr})`);
  process.env.SOFTHSM2_CONF = conf;
  const tokenDir = () => join(tokens, readdirSync(tokens)[0] as string);
  let unplugged: string | undefined;
  return {
    label,
    pin,
    conf,
    env: { KEY_BACKEND: 'pkcs11', PKCS11_MODULE: SOFTHSM_MODULE, PKCS11_TOKEN_LABEL: label, DPROOF_PKCS11_PIN: pin, SOFTHSM2_CONF: conf },
    unplug() {
      const from = tokenDir();
      unplugged = from;
      renameSync(from, join(dir, 'unplugged'));
    },
    plugBack() {
      if (unplugged) renameSync(join(dir, 'unplugged'), unplugged);
      unplugged = undefined;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
