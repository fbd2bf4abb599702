/** Shared steps of the verifier tests: issue through the API, present as the holder, call the verifier. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { compactVerify, importJWK, type JWK } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import { generateHolderKey, type HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { createWalletKey, publicJwkOf } from '../../src/wallet/create-wallet-key.js';
import type { Wallet, WalletKey } from '../../src/wallet/wallet-file.js';
import type { CreatedRequest } from '../../src/presentation/create-verifier-request.js';
import type { DcApiRequest } from '../../src/presentation/dc-api/build-dc-api-requests.js';

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

/** `POST /openid4vp/response` (direct_post, OpenID4VP §8.2): `state` and a vp_token keyed by query id (§8.1: arrays; a bare string is refused). */
export function postDirectPost(app: FastifyInstance, state: string, vpToken: Record<string, string[] | string>) {
  return app.inject({
    method: 'POST',
    url: '/openid4vp/response',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ state, vp_token: JSON.stringify(vpToken) }).toString(),
  });
}

type Obj = Record<string, unknown>;

/** The DCQL credential query most presentation tests ask: an SD-JWT VC of `vct`, disclosing only `age_over_19`. */
export const ageOver19Query = (vct: string, id = 'licence') => ({
  id,
  format: 'dc+sd-jwt',
  meta: { vct_values: [vct] },
  claims: [{ path: ['age_over_19'] }],
});

/** A DCQL `mso_mdoc` credential query: a document of `doctype`, disclosing the element at each [namespace, element] path. */
export const mdocQuery = (doctype: string, paths: string[][], id = 'mdl') => ({
  id,
  format: 'mso_mdoc',
  meta: { doctype_value: doctype },
  claims: paths.map((path) => ({ path })),
});

/** The purpose the tests ask with (shown to the holder, and in a signed request's verifier_info). */
export const AGE_CHECK_PURPOSE = { ko: '주류 판매 연령 확인', en: 'Age check for alcohol' };

/** `POST /v1/verifier/requests` with one DCQL credential query and `body`'s other fields; the raw answer (for refusals). */
export function postVerifierRequest(app: FastifyInstance, verifierKey: string, credentialQuery: Obj, body: Obj = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/verifier/requests',
    headers: { authorization: `Bearer ${verifierKey}` },
    payload: { dcql_query: { credentials: [credentialQuery] }, ...body },
  });
}

/** `POST /v1/verifier/requests` with one DCQL credential query (and `body`'s response_mode, purpose, …); 201 asserted. */
export async function createDcqlRequest(
  app: FastifyInstance,
  verifierKey: string,
  credentialQuery: Obj,
  body: Obj = {},
): Promise<AnyCreatedRequest> {
  const res = await postVerifierRequest(app, verifierKey, credentialQuery, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json<AnyCreatedRequest>();
}

/** What POST /v1/verifier/requests answers, as the tests read it (each knows which mode it asked for). */
export type AnyCreatedRequest = CreatedRequest & { dc_api_requests?: DcApiRequest[] };

/** A DC API request's entry for one protocol: what the page hands to navigator.credentials.get. */
export function dcApiEntry(c: Pick<AnyCreatedRequest, 'dc_api_requests'>, protocol: DcApiRequest['protocol']): DcApiRequest {
  const entry = c.dc_api_requests?.find((r) => r.protocol === protocol);
  assert.ok(entry, `no ${protocol} entry in dc_api_requests`);
  return entry;
}

/** `GET /v1/verifier/requests/{id}` (with the same-device `response_code` when given); the raw answer. */
export function getVerifierRequest(app: FastifyInstance, verifierKey: string, id: string, responseCode?: string) {
  const query = responseCode === undefined ? '' : `?response_code=${encodeURIComponent(responseCode)}`;
  return app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}${query}`, headers: { authorization: `Bearer ${verifierKey}` } });
}

/** A verifier request as its client reads it: status, and the result once answered. */
export interface RequestView {
  status: string;
  result?: { code?: string; verdict?: string; credentials: Record<string, { code: string; claims?: Obj }[]> };
}

/** `GET /v1/verifier/requests/{id}` by the verifier client that made it; 200 asserted. */
export async function readRequestView<V = RequestView>(app: FastifyInstance, verifierKey: string, id: string): Promise<V> {
  const res = await getVerifierRequest(app, verifierKey, id);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<V>();
}

/** `GET /v1/verifier/requests/{id}` by the verifier client that made it: the stored result. */
export async function readRequestResult<R>(app: FastifyInstance, verifierKey: string, id: string): Promise<R> {
  return (await readRequestView<{ result: R }>(app, verifierKey, id)).result;
}

/** `POST /v1/verifier/requests/{id}/dc-api-response`: the `data` the page hands back; the raw answer. */
export function postDcApiResponse(app: FastifyInstance, verifierKey: string, id: string, data: unknown) {
  return app.inject({
    method: 'POST',
    url: `/v1/verifier/requests/${id}/dc-api-response`,
    headers: { authorization: `Bearer ${verifierKey}` },
    payload: { data },
  });
}

/** The request's status and the code of the first credential answering query `queryId`. */
export async function requestOutcome(app: FastifyInstance, verifierKey: string, id: string, queryId: string) {
  const res = await getVerifierRequest(app, verifierKey, id);
  const body = res.json<{ status: string; result?: { credentials: Record<string, { code: string }[]> } }>();
  return { status: body.status, code: body.result?.credentials[queryId]?.[0]?.code, body: res.body };
}

/** The holder's SD-JWT VC presentation (KB-JWT over `aud` and `nonce`, issued now), disclosing `age_over_19` by default. */
export async function presentTo(
  credential: string,
  holder: HolderKey,
  aud: string,
  nonce: string,
  disclose: string[] = ['age_over_19'],
): Promise<string> {
  return (await createHolderPresentation({ credential, disclose, holderSigner: holder.signer, aud, nonce, iat: nowSeconds() }))
    .presentation;
}
