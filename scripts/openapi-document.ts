import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openRuntime } from '../src/boot.js';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/http/logger.js';

/**
 * Builds the app on a throw-away store and returns its OpenAPI document (stable: fixed PUBLIC_URL).
 * The Authorization Code Flow is turned on (OIDC_ISSUER and its companions, example hosts that are
 * never called while the document is built) so that /oauth/par, /oauth/authorize and
 * /oauth/callback, which exist only then, are documented too.
 */
export async function buildOpenApiDocument(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'dproof-openapi-'));
  const config = loadConfig({
    DATA_DIR: join(dir, 'data'),
    KEYS_DIR: join(dir, 'keys'),
    PUBLIC_URL: 'https://issuer.example',
    DPROOF_KEY_PASSPHRASE: 'openapi-generation-only',
    OIDC_ISSUER: 'https://login.example',
    OIDC_CLIENT_ID: 'dproof-issuer',
    OIDC_CLIENT_SECRET: 'openapi-generation-only',
    CLAIMS_SOURCE_URL: 'https://claims.example/claims',
    CLAIMS_SOURCE_SECRET: 'openapi-generation-only-0123456789abcdef',
    CLAIMS_SOURCE_CLIENT: 'openapi',
  });
  const logger = createLogger('silent');
  const runtime = await openRuntime(config, logger);
  try {
    const app = await buildApp(runtime, logger);
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return doc;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const serialize = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
