import { it } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/spawn-server.js';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
}

// No Docker engine runs here: this checks the wiring; the PostgreSQL path itself is tested for real.
it('docker-compose.yml runs the app on PostgreSQL 16 with health checks, a volume and DATABASE_URL wired', () => {
  const doc = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { db, app } = doc.services as { db: Service; app: Service };
  assert.match(db.image ?? '', /^postgres:16(\.|$|-)/);
  assert.ok(db.healthcheck?.test.join(' ').includes('pg_isready'));
  const dbVolume = (db.volumes ?? []).find((v) => v.endsWith(':/var/lib/postgresql/data'));
  assert.ok(dbVolume && (dbVolume.split(':')[0] as string) in doc.volumes, 'named volume for the database');

  assert.equal(app.build, '.');
  assert.ok(existsSync(join(ROOT, 'Dockerfile')));
  assert.equal(app.depends_on?.db?.condition, 'service_healthy');
  const url = new URL(app.environment?.DATABASE_URL ?? '');
  assert.equal(url.protocol, 'postgres:');
  assert.equal(url.hostname, 'db', 'DATABASE_URL points at the db service');
  assert.equal(url.username, db.environment?.POSTGRES_USER);
  assert.equal(url.password, db.environment?.POSTGRES_PASSWORD);
  assert.equal(url.pathname, `/${db.environment?.POSTGRES_DB}`);
  assert.equal(app.environment?.HOST, '0.0.0.0');
  assert.ok(app.environment?.DPROOF_KEY_PASSPHRASE, 'the key passphrase is passed in');
  assert.ok(app.healthcheck?.test.join(' ').includes('/readyz'));
  assert.ok((app.ports ?? []).some((p) => p.endsWith(`:${app.environment?.PORT}`)));

  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /npm run build/);
  // The image runs the server exactly as `npm start` does, V8 flags included.
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  assert.ok(cmd, 'the Dockerfile has an exec-form CMD');
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  // npm start runs scripts/start.js (build what is stale, then dist/src/server.js in-process); the
  // image, built already, runs dist/src/server.js directly with the same node flags, and sets in its
  // ENV what npm start sets before node (glibc reads MALLOC_ARENA_MAX before any JavaScript runs).
  const m = /^((?:\w+=\$\{\w+:-\S+\} )*)node ((?:--\S+ )*)scripts\/start\.js$/.exec(start);
  assert.ok(m, `npm start is [NAME=\${NAME:-default} …] node [flags] scripts/start.js: ${start}`);
  assert.equal((JSON.parse(cmd[1] as string) as string[]).join(' '), `node ${m[2]}dist/src/server.js`);
  const env = /^ENV (.*)$/m.exec(dockerfile)?.[1] ?? '';
  for (const [, name, value] of (m[1] as string).matchAll(/(\w+)=\$\{\w+:-(\S+)\}/g))
    assert.match(env, new RegExp(`(^| )${name}=${value}( |$)`), `the image's ENV sets ${name}=${value}, as npm start does`);
});
