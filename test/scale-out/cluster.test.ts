/**
 * WORKERS=2: one node, two server processes on one port (node:cluster), on the embedded SQLite
 * store. One OpenID4VCI flow is answered across both processes (every step on a new connection,
 * which the primary hands to the workers in turn), every issued credential has its record, a
 * worker killed with SIGKILL is replaced, the store stays held against `dproof db migrate`,
 * and SIGTERM stops the whole cluster and releases the store.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { makeStoreTarget, type StoreTarget } from '../helpers/stores.js';
import { runDproof, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { holderKey, proof } from '../openid4vci/vci-helpers.js';
import { PRE_AUTH } from '../helpers/vci-over-http.js';
import { waitUntil } from '../helpers/wait-until.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** The x-request-id this request was sent with: its log line names the process that served it. */
  id: string;
}

/** One request on its own connection (no keep-alive), so the cluster may give it to either worker. */
function once(url: string, opts: { method?: string; body?: string; type?: string; bearer?: string } = {}): Promise<Answer> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: false,
        headers: {
          'x-request-id': id,
          ...(opts.type && { 'content-type': opts.type }),
          ...(opts.bearer && { authorization: `Bearer ${opts.bearer}` }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, id }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (body: unknown) => ({ method: 'POST', type: 'application/json', body: JSON.stringify(body) });

/** Worker pids: the primary's children. */
const workersOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

describe('cluster mode: two worker processes on one port', () => {
  let target: StoreTarget;
  let server: SpawnedServer;
  let apiKey: string;
  let type: { id: string; example: object };
  let issuer: string;
  const issued: string[] = [];

  beforeAll(async () => {
    target = await makeStoreTarget('sqlite');
    server = await spawnServer({ ...target.env, WORKERS: '2', LOG_LEVEL: 'info', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' });
    // Both workers listen before the flow starts (the first one's /readyz is what spawnServer waited for).
    await waitUntil('the cluster did not say both workers listen', () => /digital-proof cluster: 2 workers/.test(server.output()), 30_000);
    apiKey = (
      JSON.parse(
        (await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'cluster', '--rate-limit', '0', '--json'], target.env)).stdout,
      ) as { apiKey: string }
    ).apiKey;
    const types = (await (await fetch(`${server.url}/v1/credential-types`)).json()) as { id: string; example: object }[];
    type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };
    const meta = await once(`${server.url}/.well-known/openid-credential-issuer`);
    issuer = meta.body.credential_issuer as string;
  });
  afterAll(async () => {
    if (server?.proc.exitCode === null) await server.stop();
    await target?.cleanup();
  });

  /** Runs one pre-authorized flow, each step on a new connection; returns the steps' answers. */
  async function flow(): Promise<Answer[]> {
    const offer = await once(`${server.url}/v1/offers`, { ...json({ type: type.id, claims: type.example }), bearer: apiKey });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    const byRef = await once(`${server.url}${new URL(offer.body.credential_offer_uri as string).pathname}`);
    assert.equal(byRef.status, 200);
    const grants = byRef.body.grants as Record<string, { 'pre-authorized_code': string }>;
    const code = (grants[PRE_AUTH] as { 'pre-authorized_code': string })['pre-authorized_code'];
    const token = await once(`${server.url}/oauth/token`, {
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': code }).toString(),
    });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const nonce = await once(`${server.url}/openid4vci/nonce`, { method: 'POST' });
    assert.equal(nonce.status, 200);
    const jwt = await proof(holderKey(), { aud: issuer, nonce: nonce.body.c_nonce as string });
    const credential = await once(`${server.url}/openid4vci/credential`, {
      ...json({ credential_configuration_id: type.id, proofs: { jwt: [jwt] } }),
      bearer: token.body.access_token as string,
    });
    assert.equal(credential.status, 200, JSON.stringify(credential.body));
    const creds = credential.body.credentials as { credential: string }[];
    assert.equal(creds.length, 1);
    issued.push(creds[0]?.credential as string);
    return [offer, byRef, token, nonce, credential];
  }

  /** The pid of the process that logged the request with this id. */
  function servedBy(id: string): number {
    const line = server
      .output()
      .split('\n')
      .find((l) => l.includes(`"${id}"`));
    assert.ok(line, `no log line for request ${id}`);
    return (JSON.parse(line) as { pid: number }).pid;
  }

  it('answers one flow across both workers', async () => {
    const workers = workersOf(server.proc.pid as number);
    assert.equal(workers.length, 2);
    // Round-robin hands new connections to the workers in turn; a few flows make sure both served steps of one.
    let mixed = false;
    for (let i = 0; i < 4 && !mixed; i++) {
      const pids = new Set((await flow()).map((a) => servedBy(a.id)));
      for (const p of pids) assert.ok(workers.includes(p), `pid ${p} is not a worker`);
      mixed = pids.size === 2;
    }
    assert.ok(mixed, 'every flow was served by one worker alone');
  });

  it('replaces a worker killed with SIGKILL, and keeps answering', async () => {
    const primary = server.proc.pid as number;
    const [victim] = workersOf(primary);
    process.kill(victim as number, 'SIGKILL');
    await waitUntil(
      'the killed worker was not replaced',
      () => {
        const now = workersOf(primary);
        return now.length === 2 && !now.includes(victim as number);
      },
      30_000,
    );
    await waitUntil(
      'the new worker does not listen',
      () => (server.output().match(/digital-proof listening on /g) ?? []).length >= 3,
      30_000,
    );
    await flow();
  });

  it('keeps the embedded store held by the primary: dproof db migrate refuses', async () => {
    assert.equal(readFileSync(join(target.dataDir, 'server.pid'), 'utf8').trim(), String(server.proc.pid));
    const r = await runDproof(['db', 'migrate'], target.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(String(server.proc.pid)));
  });

  it('stops every worker on SIGTERM, releases the store, and every issued credential has its record', async () => {
    const workers = workersOf(server.proc.pid as number);
    assert.equal(await server.stop(), 0);
    for (const w of workers) assert.ok(!existsSync(`/proc/${w}`), `worker ${w} outlived the primary`);
    assert.ok(!existsSync(join(target.dataDir, 'server.pid')));
    const db = new BetterSqlite3(join(target.dataDir, 'digital-proof.db'), { readonly: true });
    try {
      const count = (db.prepare('SELECT count(*) AS n FROM credentials').get() as { n: number }).n;
      assert.equal(count, issued.length);
    } finally {
      db.close();
    }
  });
});
