/**
 * `wallet present`: the holder side of OpenID4VP 1.0 with a request by reference (§5.10):
 * link → signed Request Object (typ oauth-authz-req+jwt, verified against the verifier's
 * did:web document for the `decentralized_identifier` prefix, §5.9.3) → pick a credential per
 * DCQL query (§6) → SD-JWT with only the chosen disclosures + KB-JWT over the verifier's nonce
 * and client_id (or, for `mso_mdoc`, a DeviceResponse signed over the SessionTranscript) → direct_post
 * to the response_uri (§8.2), vp_token keyed by query id (§8.1), or with direct_post.jwt the same
 * parameters as a JWE to the request's key (§8.3.1, encrypt-response.ts).
 */
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../formats/jose/types.js';
import { readRequestLink } from '../holder/read-request-link.js';
import { readClientName, readLogoUri, readPurpose } from '../holder/read-verifier-metadata.js';
import { encryptResponse, needsState } from '../holder/encrypt-response.js';
import { buildVpToken, encryptionThumbprint, readCredentialQueries, responseEncryption } from './build-vp-token.js';
import { isTrustedClientIdPrefix, verifyRequestObject } from './verify-request-object.js';
import { call, checkUrl, failed, fetchForWallet } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

const fail = (message: string) => failed(message, 'present_failed');

/** OpenID4VP 1.0 §10: what this wallet can do, posted with request_uri_method=post. */
const WALLET_METADATA = {
  vp_formats_supported: {
    'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256', 'EdDSA'], 'kb-jwt_alg_values': ['ES256', 'EdDSA'] },
    jwt_vc_json: { alg_values: ['ES256', 'EdDSA'] },
  },
  client_id_prefixes_supported: ['decentralized_identifier', 'x509_san_dns', 'x509_hash'],
  request_object_signing_alg_values_supported: ['ES256', 'EdDSA'],
};

export interface PresentOptions {
  link: string;
  /** Claim names the person chose to disclose (`address.locality`, `nationalities[1]`); default: exactly what the verifier asked. */
  disclose?: string[];
  fetch?: typeof fetch;
  now?: () => Date;
  /** DER certificates the holder trusts for X.509 verifier identities (x509_san_dns, x509_hash). */
  trustAnchors?: Uint8Array[];
}

export interface PresentResult {
  verifier: { client_id: string; name: string | null; logo_uri?: string | null; purpose: { ko?: string; en?: string } | null };
  disclosed: Record<string, { credential: string; claims: string[] }>;
  response: JsonObject;
}

async function fetchRequestObject(f: typeof fetch, link: string, opts: { trustAnchors: Uint8Array[]; now: Date }): Promise<JsonObject> {
  const read = readRequestLink(link);
  if (!read.ok && read.error === 'not_a_link') throw fail('the link is not an openid4vp:// URL');
  if (!read.ok || read.link.scheme !== 'openid4vp:') throw fail('the link needs client_id and request_uri');
  const { clientId, requestUri } = read.link;
  if (!isTrustedClientIdPrefix(clientId))
    throw fail(`this wallet trusts the did:web, x509_san_dns and x509_hash client identifier prefixes, not ${clientId}`);
  // §5.10: request_uri_method=post: the wallet posts its metadata and a fresh wallet_nonce.
  const post = new URL(link.trim()).searchParams.get('request_uri_method') === 'post';
  const walletNonce = post ? randomBytes(16).toString('base64url') : undefined;
  const res = await fetchForWallet(
    f,
    checkUrl(requestUri, 'request_uri'),
    {
      accept: 'application/oauth-authz-req+jwt',
      ...(post && {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ wallet_metadata: JSON.stringify(WALLET_METADATA), wallet_nonce: walletNonce! }).toString(),
      }),
    },
    'request object',
    'present_failed',
  );
  if (res.status < 200 || res.status > 299) throw fail(`the verifier refused the request object (HTTP ${res.status})`);
  const payload = await verifyRequestObject(f, res.text.trim(), clientId, opts);
  // RFC 9101 §6.2 / §5.10: for the same client_id, and echoing our wallet_nonce.
  if (payload.client_id !== clientId) throw fail('the request object is for another client_id');
  if (walletNonce !== undefined && payload.wallet_nonce !== walletNonce) throw fail('the request object does not carry our wallet_nonce');
  return payload;
}

export async function presentToVerifier(wallet: Wallet, opts: PresentOptions): Promise<PresentResult> {
  const f = opts.fetch ?? fetch;
  const now = opts.now?.() ?? new Date();
  const req = await fetchRequestObject(f, opts.link, { trustAnchors: opts.trustAnchors ?? [], now });
  if ((req.response_mode !== 'direct_post' && req.response_mode !== 'direct_post.jwt') || typeof req.nonce !== 'string') {
    throw fail('the request must use response_mode direct_post or direct_post.jwt with a nonce');
  }
  const responseUri = checkUrl(req.response_uri, 'response_uri');
  const queries = readCredentialQueries(req);
  if (req.state !== undefined && typeof req.state !== 'string') throw fail('the request state is not a string');
  if (req.state === undefined && needsState(queries))
    throw fail('the request asks for a credential without holder binding and has no state');
  const encryption = req.response_mode === 'direct_post.jwt' ? responseEncryption(req.client_metadata) : undefined;
  const jwkThumbprint = await encryptionThumbprint(encryption);
  // §8.6 / §14.1: the KB-JWT aud is the client_id; an mdoc's SessionTranscript binds the Response URI (Annex B.2.6.1).
  const { vpToken, disclosed } = await buildVpToken(
    wallet,
    queries,
    {
      nonce: req.nonce,
      aud: req.client_id as string,
      mdocHandover: { clientId: req.client_id as string, responseUri, ...(jwkThumbprint && { jwkThumbprint }) },
    },
    { ...(opts.disclose && { disclose: opts.disclose }), now },
  );
  const response = await call(
    f,
    responseUri,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(
        encryption
          ? { response: await encryptResponse({ vp_token: vpToken, ...(req.state !== undefined && { state: req.state }) }, encryption) }
          : { vp_token: JSON.stringify(vpToken), ...(req.state !== undefined && { state: req.state }) },
      ).toString(),
    },
    'verifier response endpoint',
  );
  const purpose = readPurpose(req);
  return {
    verifier: {
      client_id: req.client_id as string,
      name: readClientName(req),
      logo_uri: readLogoUri(req),
      purpose,
    },
    disclosed,
    response,
  };
}
