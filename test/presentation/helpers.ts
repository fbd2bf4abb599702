/** Shared steps of the verifier tests: issue through the API, present as the holder, call the verifier. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { compactVerify, importJWK, type JWK } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import { generateHolderKey, type HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { createWalletKey, publicJwkOf } from '../../src/wallet/create-wallet-key.js';
import type { Wallet, WalletKey } from '../../src/wallet/wallet-file.js';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function issueViaApi(
  t: TestApp,
  issuerKey: string,
  typeId: string,
  holder: HolderKey | undefined,
  format = 'dc+sd-jwt',
): Promise<{ id: string; credential: string }> {
  const type = t.runtime.catalog.get(typeId)!;
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/credentials',
    headers: { authorization: `Bearer ${issuerKey}` },
    payload: { type: typeId, claims: type.example, format, ...(holder && { holder_jwk: holder.publicJwk as JWK }) },
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<{ id: string; credential: string }>();
  return { id: body.id, credential: body.credential };
}

export async function verifierId(app: FastifyInstance): Promise<string> {
  return (await app.inject({ method: 'GET', url: '/v1/verifier/identifier' })).json<{ client_id: string }>().client_id;
}

/** A verifier client's counter: where counter challenges come from. */
export interface Counter {
  app: FastifyInstance;
  verifierKey: string;
}
export const counterOf = (app: FastifyInstance, verifierKey: string): Counter => ({ app, verifierKey });

/** `POST /v1/verifier/counter-nonces`: a nonce issued to this client's counter, with its aud. */
export async function counterChallenge(c: Counter): Promise<{ aud: string; nonce: string; challenge: string }> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/v1/verifier/counter-nonces',
    headers: { authorization: `Bearer ${c.verifierKey}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ aud: string; nonce: string; challenge: string }>();
}

/** A counter presentation: over a fresh challenge of `to` (a Counter), or for a bare `aud` string with a random nonce. */
export async function counterPresent(
  credential: string,
  holder: HolderKey,
  to: string | Counter,
  disclose: string[],
  o: { iat?: number; nonce?: string } = {},
) {
  const challenge = typeof to === 'string' ? { aud: to } : await counterChallenge(to);
  const nonce = o.nonce ?? ('nonce' in challenge ? challenge.nonce : undefined);
  return createHolderPresentation({
    credential,
    disclose,
    holderSigner: holder.signer,
    aud: challenge.aud,
    iat: o.iat ?? nowSeconds(),
    ...(nonce && { nonce }),
  });
}

export async function counterVerify(app: FastifyInstance, verifierKey: string, presentation: string, policy?: unknown) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/verifier/verify',
    headers: { authorization: `Bearer ${verifierKey}` },
    payload: { presentation, ...(policy !== undefined && { policy }) },
  });
  return res;
}

export { generateHolderKey };

/** A fetch() that answers from an app through inject (no socket), for libraries that take a fetch callback. */
export function injectFetch(app: FastifyInstance): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = init?.body instanceof URLSearchParams ? init.body.toString() : (init?.body as string | undefined);
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(body !== undefined && { payload: body }),
    });
    return new Response(res.statusCode === 304 ? null : res.rawPayload, {
      status: res.statusCode,
      headers: res.headers as Record<string, string>,
    });
  };
}

/** `POST /v1/credentials/{id}/revoke` with the issuer's key; asserts it was done. */
export async function revokeViaApi(t: TestApp, issuerKey: string, id: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/credentials/${id}/revoke`,
    headers: { authorization: `Bearer ${issuerKey}` },
    payload: { reason: 'test' },
  });
  assert.equal(res.statusCode, 200, res.body);
}

/**
 * A CLI wallet file holding one driver-license SD-JWT VC, issued by `POST /v1/credentials` to a
 * fresh wallet key and recorded as received from `credentialIssuer`.
 */
export async function cliWalletWithDriverLicense(
  t: TestApp,
  issuerKey: string,
  credentialIssuer: string,
): Promise<{ wallet: Wallet; key: WalletKey; credential: string; vct: string }> {
  const key = await createWalletKey(new Date());
  const vct = t.runtime.catalog.get('driver-license')!.vct;
  const issued = await t.app.inject({
    method: 'POST',
    url: '/v1/credentials',
    headers: { authorization: `Bearer ${issuerKey}` },
    payload: { type: 'driver-license', claims: t.runtime.catalog.get('driver-license')!.example, holder_jwk: publicJwkOf(key) },
  });
  assert.equal(issued.statusCode, 201, issued.body);
  const credential = issued.json<{ credential: string }>().credential;
  const wallet: Wallet = {
    version: 1,
    created_at: new Date().toISOString(),
    keys: [key],
    credentials: [
      {
        id: 'c1',
        credential_issuer: credentialIssuer,
        credential_configuration_id: 'driver-license',
        format: 'dc+sd-jwt',
        kind: vct,
        key: key.kid,
        credential,
        received_at: new Date().toISOString(),
        expires_at: null,
      },
    ],
  };
  return { wallet, key, credential, vct };
}

type FetchLike = (input: string) => Promise<Response>;

/**
 * The `verifyJwt` callback of @openid4vc/openid4vp for a did:web verifier: the request object's
 * signature checked against the key of the verifier's `/.well-known/did.json` the `didUrl` names.
 */
export function verifyJwtWithDidDocument(f: FetchLike, publicUrl: string) {
  return async (signer: { method: string; didUrl?: string; alg: string }, jwt: { compact: string }) => {
    if (signer.method !== 'did' || !signer.didUrl) return { verified: false };
    const doc = (await (await f(`${publicUrl}/.well-known/did.json`)).json()) as {
      verificationMethod: { id: string; publicKeyJwk: JWK }[];
    };
    const vm = doc.verificationMethod.find((m) => m.id === signer.didUrl);
    if (!vm) return { verified: false };
    await compactVerify(jwt.compact, await importJWK(vm.publicKeyJwk, signer.alg));
    return { verified: true, signerJwk: vm.publicKeyJwk as never };
  };
}

/** `POST /openid4vp/response` (direct_post, OpenID4VP §8.2): `state` and a vp_token keyed by query id. */
export function postDirectPost(app: FastifyInstance, state: string, vpToken: Record<string, string[]>) {
  return app.inject({
    method: 'POST',
    url: '/openid4vp/response',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ state, vp_token: JSON.stringify(vpToken) }).toString(),
  });
}

/** `GET /v1/verifier/requests/{id}` by the verifier client that made it: the stored result. */
export async function readRequestResult<R>(app: FastifyInstance, verifierKey: string, id: string): Promise<R> {
  const res = await app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${verifierKey}` } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ result: R }>().result;
}

/** `POST /v1/verifier/requests` with one DCQL credential query; 201 asserted. */
export async function createDcqlRequest(app: FastifyInstance, verifierKey: string, credentialQuery: Record<string, unknown>) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/verifier/requests',
    headers: { authorization: `Bearer ${verifierKey}` },
    payload: { dcql_query: { credentials: [credentialQuery] } },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ id: string; authorization_request: string }>();
}

/** The request's status and the code of the first credential answering query `queryId`. */
export async function requestOutcome(app: FastifyInstance, verifierKey: string, id: string, queryId: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${verifierKey}` } });
  const body = res.json<{ status: string; result?: { credentials: Record<string, { code: string }[]> } }>();
  return { status: body.status, code: body.result?.credentials[queryId]?.[0]?.code, body: res.body };
}
