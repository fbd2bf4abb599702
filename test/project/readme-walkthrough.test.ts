/**
 * The README's first-hour walk-through, run as written: the block between
 * `<!-- walkthrough:start -->` and `<!-- walkthrough:end -->` goes to bash (`set -euo pipefail`)
 * against the compiled server started here on a free port (`DP` is the only thing set from
 * outside, as the README says), with the CLI reading the same store. The run must print
 * `verified` for the first presentation and `rejected` after the revocation.
 *
 * Needs `bash`, `curl` and `jq` (.ci/run installs them); without them it is skipped with the reason,
 * and with CI=true it fails instead.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { makeStoreTarget, type StoreTarget } from '../helpers/stores.js';
import { scaled } from '../helpers/time-scale.js';

const missingTools = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const skip = missingTools.length > 0 && process.env.CI !== 'true' ? `${missingTools.join(', ')} not installed` : false;
if (skip) console.log(`skipping the README walk-through: ${skip}`);

/** The walk-through block of the README, exactly as a reader copies it. */
export function walkthroughScript(readme: string): string {
  const m = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!m?.[1]) throw new Error('README.md has no walkthrough block');
  return m[1];
}

describe.skipIf(skip)('the README walk-through', () => {
  let target: StoreTarget;
  let server: SpawnedServer;
  let walletDir: string;

  beforeAll(async () => {
    assert.deepEqual(missingTools, [], 'the walk-through needs bash, curl and jq');
    target = await makeStoreTarget('sqlite');
    const port = await freePort();
    server = await spawnServer({ ...target.env, PUBLIC_URL: `http://127.0.0.1:${port}` }, { port });
    walletDir = mkdtempSync(join(tmpdir(), 'dproof-walkthrough-'));
  });

  afterAll(async () => {
    await server?.stop();
    await target?.cleanup();
    if (walletDir) rmSync(walletDir, { recursive: true, force: true });
  });

  // Six `npx dproof` calls as the README writes them. The first goes through npx (its lookup of
  // the package's bin is what a newcomer's call depends on); the others run that same bin with
  // node, because npx alone costs 0.3–1 s a call on a quiet machine (6–45 s on a loaded one) and
  // resolves the same file every time. A file marks the first, as it runs inside `$( )`, a
  // subshell. The timeout still allows for a loaded machine.
  const npxOnce = [
    'npx() {',
    '  if [ "${1:-}" = dproof ] && [ -e "$NPX_RESOLVED" ]; then shift; node bin/dproof.js "$@"; return; fi',
    '  touch "$NPX_RESOLVED"',
    '  command npx "$@"',
    '}',
  ].join('\n');
  it('runs top to bottom as written: verified, then revoked, then rejected', { timeout: scaled(480_000) }, async () => {
    const script = walkthroughScript(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    assert.ok((script.match(/\bnpx dproof\b/g) ?? []).length >= 2, 'the walk-through calls npx dproof');
    const proc = spawn('bash', ['-c', `set -euo pipefail\n${npxOnce}\n${script}`], {
      cwd: ROOT,
      // The wallet file goes to a temporary folder instead of ./wallet.json, so the test leaves the checkout as it was.
      env: {
        ...process.env,
        ...target.env,
        DP: server.url,
        DPROOF_WALLET: join(walletDir, 'wallet.json'),
        NPX_RESOLVED: join(walletDir, 'npx-resolved'),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    assert.equal(code, 0, out);
    const statuses = out.split('\n').filter((line) => /^(verified|rejected|revoked|pending)$/.test(line.trim()));
    assert.deepEqual(statuses, ['verified', 'revoked', 'rejected'], out);
  });
});
