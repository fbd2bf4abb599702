/**
 * `wallet authorize`: the holder side of the Authorization Code Flow (OpenID4VCI §3.4), for a
 * wallet that starts issuance itself: issuer and authorization server metadata → a pushed
 * authorization request (RFC 9126) with PKCE S256 and `authorization_details` → the citizen
 * logs in in a browser (the URL is handed to `onAuthorizationUrl`) → the authorization server
 * redirects to a loopback address this wallet listens on (RFC 8252 §7.3), `state` and `iss`
 * checked → token → nonce → proofs → credential, each credential checked before it is kept.
 */
import { randomBytes, randomUUID, hash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';
import { createKeyProofs } from './create-key-proofs.js';
import { createWalletKey } from './create-wallet-key.js';
import { checkReceived } from './receive-credentials.js';
import { postWithToken } from './dpop-calls.js';
import { planCredentialExchange } from './credential-request-encryption.js';
import { readIssuerMetadata } from './read-issuer-metadata.js';
import { requestAccessToken } from './request-access-token.js';
import type { StoredCredential, Wallet } from './wallet-file.js';

export interface AuthorizeOptions {
  issuer: string;
  configurationId: string;
  /** Shown to the holder: the page to open in a browser to log in. */
  onAuthorizationUrl: (url: string) => void;
  /** An offer's `issuer_state`, when an offer started it. */
  issuerState?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** How long to wait for the browser to come back (default 5 minutes). */
  timeoutMs?: number;
}

export const CLI_WALLET_CLIENT_ID = 'dproof-cli-wallet';

/** Listens on 127.0.0.1 (any port) for the one redirect back; answers the browser with a line of text. */
async function loopback(): Promise<{ redirectUri: string; back: (timeoutMs: number) => Promise<URLSearchParams>; close: () => void }> {
  let resolveBack: (q: URLSearchParams) => void = () => {};
  const arrived = new Promise<URLSearchParams>((r) => (resolveBack = r));
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname !== '/callback') {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end('dproof wallet: you can close this window and go back to the terminal.\n');
    resolveBack(u.searchParams);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    back: (timeoutMs) =>
      Promise.race([
        arrived,
        new Promise<never>((_, reject) => setTimeout(() => reject(failed('no answer from the browser in time')), timeoutMs).unref()),
      ]),
    close: () => server.close(),
  };
}

export async function authorizeAndReceive(
  wallet: Wallet,
  opts: AuthorizeOptions,
): Promise<{ wallet: Wallet; received: StoredCredential[] }> {
  const f = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());
  const issuer = checkUrl(opts.issuer, 'issuer');
  const { metadata, configuration, format, keyBound, as } = await readIssuerMetadata(f, issuer, opts.configurationId);
  if (typeof as.pushed_authorization_request_endpoint !== 'string' || typeof as.authorization_endpoint !== 'string')
    throw failed('this issuer does not offer the authorization code flow');

  const listener = await loopback();
  try {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const par = await call(
      f,
      checkUrl(as.pushed_authorization_request_endpoint, 'pushed_authorization_request_endpoint'),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: CLI_WALLET_CLIENT_ID,
          response_type: 'code',
          redirect_uri: listener.redirectUri,
          code_challenge: hash('sha256', verifier, 'base64url'),
          code_challenge_method: 'S256',
          state,
          authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: opts.configurationId }]),
          ...(opts.issuerState !== undefined && { issuer_state: opts.issuerState }),
        }).toString(),
      },
      'pushed authorization request',
    );
    if (typeof par.request_uri !== 'string') throw failed('the PAR endpoint sent no request_uri');
    const url = new URL(checkUrl(as.authorization_endpoint, 'authorization_endpoint'));
    url.searchParams.set('client_id', CLI_WALLET_CLIENT_ID);
    url.searchParams.set('request_uri', par.request_uri);
    opts.onAuthorizationUrl(url.toString());

    const back = await listener.back(opts.timeoutMs ?? 300_000);
    if (back.get('state') !== state) throw failed('the browser came back with another state');
    // RFC 9207: the answer is from the server we asked.
    if (back.get('iss') !== null && back.get('iss') !== as.issuer) throw failed('the answer names another authorization server');
    const error = back.get('error');
    if (error !== null)
      throw failed(`the issuer refused: ${error}${back.get('error_description') ? ` (${back.get('error_description')})` : ''}`);
    const code = back.get('code');
    if (!code) throw failed('the browser came back without a code');

    // RFC 9449: DPoP-bound when the server takes it.
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: listener.redirectUri,
      client_id: CLI_WALLET_CLIENT_ID,
    });
    const { accessToken, dpop } = await requestAccessToken(f, as, form, now);

    const key = keyBound ? await createWalletKey(now()) : undefined;
    const request: JsonObject = { credential_configuration_id: opts.configurationId };
    if (key) request.proofs = await createKeyProofs(f, metadata, issuer, [key], now);
    const credentialEndpoint = checkUrl(metadata.credential_endpoint, 'credential_endpoint');
    // §8.2 / §10: encrypted where the issuer requires it.
    const exchange = await planCredentialExchange(metadata);
    const response = await postWithToken(f, dpop, credentialEndpoint, accessToken, request, 'credential endpoint', exchange);
    const item = Array.isArray(response.credentials) && response.credentials.length === 1 ? response.credentials[0] : undefined;
    const credential = isJsonObject(item) ? item.credential : undefined;
    const { kind, expiresAt } = await checkReceived(f, credential, format, issuer, key, now, configuration);
    const stored: StoredCredential = {
      id: randomUUID(),
      credential_issuer: issuer,
      credential_configuration_id: opts.configurationId,
      format,
      kind,
      key: key?.kid ?? null,
      credential: credential as string,
      received_at: now().toISOString(),
      expires_at: expiresAt,
    };
    return {
      wallet: { ...wallet, keys: key ? [...wallet.keys, key] : wallet.keys, credentials: [...wallet.credentials, stored] },
      received: [stored],
    };
  } finally {
    listener.close();
  }
}
