/**
 * `--signer pkcs11`: the issuance scenario against two servers started side by side, one signing
 * with the file signer (encrypted key file, node:crypto) and one with keys made in and used from
 * a SoftHSM token (KEY_BACKEND=pkcs11, signing in the module thread), alternated A-B-B-A so that
 * a machine shared with others drifts the same way for both, after an unmeasured warm-up of each.
 * Reports SoftHSM as a ratio of the file signer: throughput, and latency p50 and p99 at the same
 * offered load (as fast as it goes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, type LoadResult } from './load.js';
import { dproof, startServer, type ServerProcess } from './server-process.js';
import { findSoftHsm, initSoftHsmToken } from './softhsm-token.js';

export interface SignerRun {
  signer: 'file' | 'pkcs11';
  result: LoadResult;
}

export type SignerComparison =
  | { skipped: string }
  | {
      module: string;
      runs: SignerRun[];
      file: { reqPerSec: number; p50: number; p99: number };
      pkcs11: { reqPerSec: number; p50: number; p99: number };
      /** SoftHSM ÷ file signer. */
      ratio: { reqPerSec: number; p50: number; p99: number };
    };

export interface ComparisonSpec {
  /** The file-signer server's environment (its store already holds `fileApiKey`'s client and a key). */
  fileEnv: Record<string, string>;
  fileApiKey: string;
  /** Store for the SoftHSM server: DATABASE_URL of a fresh database, or undefined for SQLite in a temporary folder. */
  pkcs11DatabaseUrl: string | undefined;
  body: string;
  connections: number;
  seconds: number;
  quick: boolean;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function compareSigners(spec: ComparisonSpec): Promise<SignerComparison> {
  const found = findSoftHsm();
  if ('skipped' in found) return found;
  const dir = mkdtempSync(join(tmpdir(), 'dproof-bench-hsm-'));
  const servers: ServerProcess[] = [];
  try {
    const pkcs11Env: Record<string, string> = {
      ...spec.fileEnv,
      DATA_DIR: join(dir, 'data'),
      KEYS_DIR: join(dir, 'keys'),
      ...initSoftHsmToken(found.module, join(dir, 'softhsm')),
    };
    delete pkcs11Env.DATABASE_URL;
    if (spec.pkcs11DatabaseUrl) pkcs11Env.DATABASE_URL = spec.pkcs11DatabaseUrl;
    const { apiKey: pkcs11ApiKey } = JSON.parse(
      await dproof(['clients', 'create', '--role', 'issuer', '--name', 'bench-hsm', '--rate-limit', '0', '--json'], pkcs11Env),
    ) as { apiKey: string };
    // Its first start makes the signing key inside the token.
    const file = await startServer(spec.fileEnv);
    servers.push(file);
    const hsm = await startServer(pkcs11Env);
    servers.push(hsm);
    const target = { file: { server: file, apiKey: spec.fileApiKey }, pkcs11: { server: hsm, apiKey: pkcs11ApiKey } };
    // Unmeasured warm-up of each (JIT, caches, the token's object cache), so run 1 is not the cold one.
    for (const { server, apiKey } of Object.values(target)) {
      await load({
        name: 'warm-up',
        url: `${server.url}/v1/credentials`,
        method: 'POST',
        connections: spec.connections,
        seconds: spec.quick ? 1 : 3,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: spec.body,
      });
    }
    const order: ('file' | 'pkcs11')[] = spec.quick ? ['file', 'pkcs11'] : ['file', 'pkcs11', 'pkcs11', 'file'];
    const runs: SignerRun[] = [];
    for (const signer of order) {
      const { server, apiKey } = target[signer];
      const result = await load({
        name: `POST /v1/credentials, ${signer === 'file' ? 'file signer' : 'SoftHSM (PKCS#11)'}, run ${runs.filter((r) => r.signer === signer).length + 1}`,
        url: `${server.url}/v1/credentials`,
        method: 'POST',
        connections: spec.connections,
        seconds: spec.seconds,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: spec.body,
      });
      runs.push({ signer, result });
    }
    const summary = (signer: 'file' | 'pkcs11') => {
      const rs = runs.filter((r) => r.signer === signer).map((r) => r.result);
      return { reqPerSec: mean(rs.map((r) => r.reqPerSec)), p50: mean(rs.map((r) => r.p50)), p99: mean(rs.map((r) => r.p99)) };
    };
    const f = summary('file');
    const h = summary('pkcs11');
    return {
      module: found.module,
      runs,
      file: f,
      pkcs11: h,
      ratio: { reqPerSec: h.reqPerSec / f.reqPerSec, p50: h.p50 / f.p50, p99: h.p99 / f.p99 },
    };
  } finally {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
