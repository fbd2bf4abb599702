/**
 * The outside world of the Authorization Code Flow, real and local: an OpenID provider
 * (`oidc-provider`, a certified implementation) on its own port with a test account and an
 * interaction that logs in (or cancels) without a page, a claims source server that checks our
 * signed request against our JWKS and answers with an HS256-signed response, and a tiny browser
 * (cookie jar, manual redirects) that carries the citizen from the wallet to its redirect_uri.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { freePort } from '../helpers/spawn-server.js';

export const IDP_CLIENT_ID = 'dproof-issuer';
export const IDP_CLIENT_SECRET = 'idp-client-secret-for-tests-only-0123456789';
export const CLAIMS_SECRET = 'claims-source-shared-secret-for-tests-0123456789';

const listen = (server: Server, port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export interface TestIdp {
  issuer: string;
  /** The account the next login succeeds as; `null` makes the citizen cancel (access_denied). */
  account: string | null;
  close(): Promise<void>;
}

export async function startIdp(port: number, callbackUrl: string): Promise<TestIdp> {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'idp-es256', alg: 'ES256', use: 'sig' };
  const idp: TestIdp = { issuer, account: 'citizen-7', close: async () => {} };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: IDP_CLIENT_ID,
        client_secret: IDP_CLIENT_SECRET,
        redirect_uris: [callbackUrl],
        id_token_signed_response_alg: 'ES256',
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['idp-cookie-key-for-tests'] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The citizen consents by logging in: the grant is made here, so no consent prompt follows.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid');
      await grant.save();
      return grant;
    },
  });
  const handler = provider.callback();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        await provider.interactionDetails(req, res);
        const result =
          idp.account === null
            ? { error: 'access_denied', error_description: 'the citizen cancelled' }
            : { login: { accountId: idp.account } };
        await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      })().catch((e: Error) => {
        res.statusCode = 500;
        res.end(e.message);
      });
      return;
    }
    handler(req, res);
  });
  await listen(server, port);
  idp.close = () => close(server);
  return idp;
}

export type ClaimsBehaviour = 'grant' | 'deny' | 'forbidden' | 'bad-claims' | 'bad-signature';

export interface TestClaimsSource {
  url: string;
  behaviour: ClaimsBehaviour;
  claims: Record<string, unknown>;
  /** The verified requests received, in order. */
  requests: JWTPayload[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString('utf8')));
    req.on('end', () => resolve(s));
  });

export async function startClaimsSource(port: number, issuerUrl: string, claims: Record<string, unknown>): Promise<TestClaimsSource> {
  const url = `http://127.0.0.1:${port}/claims`;
  const source: TestClaimsSource = { url, behaviour: 'grant', claims, requests: [], close: async () => {} };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const jwks = (await (await fetch(`${issuerUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      const { payload } = await jwtVerify(body, createLocalJWKSet({ keys: jwks.keys }), {
        typ: 'dproof-claims-request+jwt',
        issuer: issuerUrl,
        audience: url,
      });
      source.requests.push(payload);
      if (source.behaviour === 'forbidden') {
        res.statusCode = 403;
        return res.end();
      }
      const answer = {
        request_jti: payload.jti,
        sub: payload.sub,
        credential_configuration_id: payload.credential_configuration_id,
        ...(source.behaviour === 'deny'
          ? { error: 'access_denied' }
          : { claims: source.behaviour === 'bad-claims' ? { nope: 1 } : source.claims }),
      };
      const key = new TextEncoder().encode(source.behaviour === 'bad-signature' ? `${CLAIMS_SECRET}-not` : CLAIMS_SECRET);
      const jwt = await new SignJWT(answer)
        .setProtectedHeader({ alg: 'HS256', typ: 'dproof-claims-response+jwt' })
        .setAudience(issuerUrl)
        .setIssuedAt()
        .sign(key);
      res.setHeader('content-type', 'application/dproof-claims-response+jwt');
      res.end(jwt);
    })().catch((e: Error) => {
      res.statusCode = 500;
      res.end(e.message);
    });
  });
  await listen(server, port);
  source.close = () => close(server);
  return source;
}

/**
 * Follows redirects by hand, with cookies, until one leads to `stopAt`; returns that URL. `jar`:
 * the cookies of a browser that goes on from there (a login paused at the callback).
 */
export async function browse(
  start: string,
  stopAt: string | ((url: string) => boolean),
  maxHops = 12,
  jar = new Map<string, string>(),
): Promise<URL> {
  const stop = typeof stopAt === 'string' ? (u: string) => u.startsWith(stopAt) : stopAt;
  let url = start;
  for (let hop = 0; hop < maxHops; hop++) {
    if (stop(url)) return new URL(url);
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) throw new Error(`browse: ${res.status} at ${url}: ${await res.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error('browse: too many redirects');
}

export interface AuthorizationCodeWorld {
  t: TestApp;
  idp: TestIdp;
  source: TestClaimsSource;
  issuerKey: string;
  close(): Promise<void>;
}

/**
 * Our app, listening on `store`, wired to a fresh OpenID provider and claims source on free ports
 * (and an issuer key made); `env` adds settings to the ones the Authorization Code Flow needs.
 */
export async function startAuthorizationCodeWorld(
  store: 'sqlite' | 'postgres',
  env: Record<string, string> = {},
): Promise<AuthorizationCodeWorld> {
  const idpPort = await freePort();
  const sourcePort = await freePort();
  const t = await startTestApp({
    store,
    listen: true,
    env: {
      RATE_LIMIT_PER_MINUTE: '0',
      OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
      OIDC_CLIENT_ID: IDP_CLIENT_ID,
      OIDC_CLIENT_SECRET: IDP_CLIENT_SECRET,
      CLAIMS_SOURCE_URL: `http://127.0.0.1:${sourcePort}/claims`,
      CLAIMS_SOURCE_SECRET: CLAIMS_SECRET,
      CLAIMS_SOURCE_CLIENT: 'test issuer',
      AUTHORIZATION_ALLOW_HOSTS: '127.0.0.1',
      ...env,
    },
  });
  let idp: TestIdp | undefined;
  try {
    const issuerKey = await t.apiKey('issuer');
    idp = await startIdp(idpPort, `${t.url}/oauth/callback`);
    const source = await startClaimsSource(sourcePort, t.url, {});
    const started = idp;
    return {
      t,
      idp,
      source,
      issuerKey,
      close: async () => {
        await started.close();
        await source.close();
        await t.close();
      },
    };
  } catch (err) {
    await idp?.close();
    await t.close();
    throw err;
  }
}

/** The PKCE S256 code challenge of a verifier (RFC 7636 §4.2). */
export const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** The wallet's redirect_uri: nothing listens there, `browse` stops at it and reads the code. */
export const WALLET_REDIRECT = 'http://127.0.0.1:9/wallet-callback';

/** `POST path` with `fields` form-encoded (the OAuth endpoints) and `headers` added, through app.inject. */
export const postForm = (t: TestApp, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

/** A DPoP nonce of the server's (RFC 9449 §8), as the nonce endpoint hands one out. */
export const dpopNonce = async (t: TestApp) =>
  (await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' })).headers['dpop-nonce'] as string;

/** A pushed authorization request's fields for `clientId`: code flow, WALLET_REDIRECT, PKCE S256 of `verifier`, then `request` (scope or authorization_details). */
export const pkceParFields = (clientId: string, verifier: string, request: Record<string, string>) => ({
  client_id: clientId,
  response_type: 'code',
  redirect_uri: WALLET_REDIRECT,
  code_challenge: s256(verifier),
  code_challenge_method: 'S256',
  ...request,
});

/**
 * PAR (with `headers`) → authorization endpoint → the citizen's login, the claims source granting
 * `configuration`'s example claims → the code at WALLET_REDIRECT, with its PKCE verifier.
 */
export async function loginForCode(
  world: AuthorizationCodeWorld,
  configuration: string,
  o: { clientId: string; request: Record<string, string>; headers?: Record<string, string> },
): Promise<{ code: string; verifier: string }> {
  const { t, source } = world;
  source.behaviour = 'grant';
  source.claims = t.runtime.catalog.get(configuration)!.example;
  const verifier = randomBytes(32).toString('base64url');
  const par = await postForm(t, '/oauth/par', pkceParFields(o.clientId, verifier, o.request), o.headers);
  assert.equal(par.statusCode, 201, par.body);
  const back = await browse(
    `${t.url}/oauth/authorize?${new URLSearchParams({ client_id: o.clientId, request_uri: par.json().request_uri })}`,
    WALLET_REDIRECT,
  );
  const code = back.searchParams.get('code') ?? '';
  assert.ok(code, back.toString());
  return { code, verifier };
}
