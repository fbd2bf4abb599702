/**
 * Disk full under the embedded store: DATA_DIR is a small tmpfs (the tests run as root, so the
 * test mounts one), a filler file takes the rest of the space, and issuance runs until SQLite
 * cannot grow its WAL. Every refusal is a 503 `store_unavailable` with Retry-After (never a
 * 500), the file passes PRAGMA integrity_check, nothing acknowledged is lost, and the same
 * process issues again once the filler is deleted. Skipped, with the reason, where mounting
 * is not allowed (not root, or no CAP_SYS_ADMIN in a container).
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync, rmdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { makeStoreTarget } from '../helpers/stores.js';
import { runDproof, spawnServer } from '../helpers/spawn-server.js';
import { get, postJson } from '../helpers/vci-over-http.js';
import { SQLITE_FILE } from '../../src/store/open-database.js';

function tryMount(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root: cannot mount a small tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `mount -t tmpfs failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e)}`;
  }
}

/** Writes zeros into `file` until the filesystem says ENOSPC. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        // Top off with small writes so not even a page is left.
        for (;;) {
          try {
            written += writeSync(fd, Buffer.alloc(512));
          } catch {
            return written;
          }
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const mountPoint = mkdtempSync(join(tmpdir(), 'dproof-diskfull-'));
const cannot = tryMount(mountPoint, '24m');
if (cannot) rmdirSync(mountPoint);

it.skipIf(cannot)(
  'answers 503 when the disk under the embedded store is full, keeps the file intact and recovers once space is freed (sqlite)',
  async () => {
    const target = await makeStoreTarget('sqlite');
    const dataDir = join(mountPoint, 'data');
    mkdirSync(dataDir);
    const env = { ...target.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' };
    const server = await spawnServer(env);
    const filler = join(mountPoint, 'filler');
    try {
      const { apiKey } = JSON.parse(
        (await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'disk', '--rate-limit', '0', '--json'], env)).stdout,
      ) as { apiKey: string };
      const types = (await get(`${server.url}/v1/credential-types`)).body as unknown as { id: string; example: object }[];
      const type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };
      const issue = () => postJson(`${server.url}/v1/credentials`, { type: type.id, claims: type.example }, apiKey);
      const acknowledged: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await issue();
        assert.equal(r.status, 201);
        acknowledged.push(r.body.id as string);
      }

      const filled = fill(filler);
      // The WAL reuses space it already has; issue until it must grow and cannot.
      let refused = 0;
      for (let i = 0; i < 2000 && refused < 5; i++) {
        const r = await issue();
        if (r.status === 201) acknowledged.push(r.body.id as string);
        else {
          assert.equal(
            r.status,
            503,
            `disk full must answer 503, got ${r.status} ${JSON.stringify(r.body)}\n${server.output().slice(-3000)}`,
          );
          assert.equal(r.body.code, 'store_unavailable');
          assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
          refused++;
        }
      }
      assert.equal(refused, 5, `no write was refused after filling ${filled} bytes`);
      assert.equal((await get(`${server.url}/healthz`)).status, 200);

      rmSync(filler);
      const after = await issue();
      assert.equal(after.status, 201, `after freeing space: ${after.status} ${JSON.stringify(after.body)}`);
      acknowledged.push(after.body.id as string);
      assert.equal((await get(`${server.url}/readyz`)).status, 200);
      assert.equal(await server.stop(), 0);

      const db = new BetterSqlite3(join(dataDir, SQLITE_FILE), { readonly: true });
      try {
        assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
        const ids = new Set((db.prepare('SELECT id FROM credentials').all() as { id: string }[]).map((r) => r.id));
        assert.deepEqual(
          acknowledged.filter((id) => !ids.has(id)),
          [],
        );
        console.log(`# disk full: ${acknowledged.length} acknowledged, ${refused} refused with 503 after filling ${filled} bytes`);
      } finally {
        db.close();
      }
    } finally {
      if (server.proc.exitCode === null) await server.kill9();
      rmSync(filler, { force: true });
      execFileSync('umount', [mountPoint]);
      rmdirSync(mountPoint);
      await target.cleanup();
    }
  },
);
