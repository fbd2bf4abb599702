/**
 * The API docs as the compiled server (dist/, what `npm start` runs) serves them. Swagger UI is
 * bundled there, where the plugin has no `__dirname` of its own: it is given its page, assets
 * and logo (src/http/openapi.ts), and every one of them must still be served.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { makeStoreTarget, type StoreTarget } from '../helpers/stores.js';

describe('API docs of the compiled server', () => {
  let target: StoreTarget;
  let server: SpawnedServer;

  beforeAll(async () => {
    target = await makeStoreTarget('sqlite');
    server = await spawnServer(target.env);
  });
  afterAll(async () => {
    await server?.stop();
    await target?.cleanup();
  });

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };

  it('serves the page, its script bundle, styles and logo from the plugin’s own files', async () => {
    const page = await get('/docs');
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(page.body, /swagger-ui-bundle\.js/);
    const bundle = await get('/docs/static/swagger-ui-bundle.js');
    assert.equal(bundle.status, 200);
    assert.match(bundle.type, /javascript/);
    assert.ok(bundle.body.length > 100_000, 'the whole Swagger UI bundle');
    assert.equal((await get('/docs/static/index.css')).status, 200);
    const init = await get('/docs/static/swagger-initializer.js');
    assert.equal(init.status, 200);
    assert.match(init.body, /data:image\/svg\+xml;base64,/, 'the logo is read from the plugin’s folder');
  });

  it('serves the OpenAPI document as JSON and as YAML', async () => {
    const json = await get('/docs/json');
    assert.equal(json.status, 200);
    assert.equal((JSON.parse(json.body) as { openapi: string }).openapi, '3.1.0');
    const yaml = await get('/docs/yaml');
    assert.equal(yaml.status, 200);
    assert.match(yaml.body, /^openapi: 3\.1\.0$/m);
  });
});
