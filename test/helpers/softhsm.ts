/**
 * SoftHSM 2 tokens for the PKCS#11 suites. They run when TEST_SOFTHSM names the module
 * (.ci/run installs softhsm2 and sets /usr/lib/softhsm/libsofthsm2.so, so there they must run and
 * fail loudly if the module is missing) and say why they skipped otherwise. Each token lives in
 * its own temporary folder, named by its own SOFTHSM2_CONF, so suites never share a token.
 */
import { mkdtempSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { initSoftHsmToken } from '../../bench/softhsm-token.js';

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
  /**
   * Makes the module stop answering: another process takes the POSIX record locks of every file
   * of the token (SoftHSM locks them with F_SETLKW around its reads and writes) and hangs holding
   * them, as a second user of the token that hung; calls that read the token then block inside
   * the module until `release()` kills that process (or this one ends: its stdin closes).
   */
  holdLock(): Promise<{ release(): void }>;
  cleanup(): void;
}

// Perl (Debian's perl-base is always there) because Node has no fcntl(). struct flock on 64-bit
// Linux: short l_type, short l_whence, (4 bytes padding), off_t l_start, off_t l_len, pid_t l_pid.
const LOCK_HOLDER = `
use strict; use Fcntl qw(F_SETLKW F_WRLCK SEEK_SET O_RDWR);
my @held;
for my $f (glob("$ARGV[0]/*")) {
  sysopen(my $h, $f, O_RDWR) or die "$f: $!";
  my $lock = pack("s s x4 q q i x4", F_WRLCK, SEEK_SET, 0, 0, 0);
  fcntl($h, F_SETLKW, $lock) or die "lock $f: $!";
  push @held, $h;
}
$| = 1; print "locked " . scalar(@held) . "\n";
my $never = <STDIN>; # blocks until the test ends it, or dies (then stdin closes and the locks go)
`;

/** A fresh initialised token. Also sets SOFTHSM2_CONF in this process, for in-process apps. */
export function makeSoftHsmToken(): SoftHsmToken {
  if (!SOFTHSM_MODULE) throw new Error(softhsmSkip as string);
  const dir = mkdtempSync(join(tmpdir(), 'dproof-softhsm-'));
  const tokens = join(dir, 'tokens');
  // The same token set-up as the benchmark's (its own SOFTHSM2_CONF under `dir`).
  const env = initSoftHsmToken(SOFTHSM_MODULE, dir, 'dproof') as Record<
    'PKCS11_TOKEN_LABEL' | 'DPROOF_PKCS11_PIN' | 'SOFTHSM2_CONF',
    string
  >;
  const { PKCS11_TOKEN_LABEL: label, DPROOF_PKCS11_PIN: pin, SOFTHSM2_CONF: conf } = env;
  process.env.SOFTHSM2_CONF = conf;
  const tokenDir = () => join(tokens, readdirSync(tokens)[0] as string);
  let unplugged: string | undefined;
  return {
    label,
    pin,
    conf,
    env: { ...env },
    unplug() {
      const from = tokenDir();
      unplugged = from;
      renameSync(from, join(dir, 'unplugged'));
    },
    plugBack() {
      if (unplugged) renameSync(join(dir, 'unplugged'), unplugged);
      unplugged = undefined;
    },
    holdLock: () =>
      new Promise((resolve, reject) => {
        const p = spawn('perl', ['-e', LOCK_HOLDER, tokenDir()], { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/locked [1-9]/.test(out)) resolve({ release: () => p.kill('SIGKILL') });
        });
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        p.on('error', reject);
        p.on('exit', (code) => reject(new Error(`lock holder exited (${code}): ${out}`)));
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
