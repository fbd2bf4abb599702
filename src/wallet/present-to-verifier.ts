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
import { calculateJwkThumbprint, type JWK } from 'jose';
import { verifyX509Request } from './verify-x509-request.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { checkPublicJwk } from '../formats/jose/check-public-jwk.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { isAppError } from '../errors.js';
import type { ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import { toClaimPathName } from '../formats/claim-path/claim-path-name.js';
import { matchClaimsQuery } from '../formats/claim-path/match-claims-query.js';
import { readClaimsQuery, type AskedClaims } from '../formats/claim-path/read-claims-query.js';
import { didWebUrl } from '../holder/did-web-url.js';
import { didWebOfClientId, readRequestLink } from '../holder/read-request-link.js';
import { readClientName, readLogoUri, readPurpose } from '../holder/read-verifier-metadata.js';
import { createHolderPresentation } from './create-holder-presentation.js';
import { createMdocPresentation, readHeldMdocClaims } from './create-mdoc-presentation.js';
import { holderSignerFromJwk } from './holder-key.js';
import { readHeldClaims } from './read-held-claims.js';
import { readCredentialAuthorityKeyIds } from './read-credential-authority-keys.js';
import { answersTrustedAuthorities } from '../holder/read-trusted-authorities.js';
import { call, checkUrl, failed, fetchForWallet } from './wallet-http.js';
import type { StoredCredential, Wallet } from './wallet-file.js';
import { encryptResponse, needsState, readResponseEncryption, type ResponseEncryption } from '../holder/encrypt-response.js';

const fail = (message: string) => failed(message, 'present_failed');

/** OpenID4VP 1.0 §10: what this wallet can do, posted with request_uri_method=post. */
const WALLET_METADATA = {
  vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256', 'EdDSA'], 'kb-jwt_alg_values': ['ES256', 'EdDSA'] } },
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

/** The query's claims as pointers, or a refusal naming what is malformed. */
function readAskedClaims(q: JsonObject): AskedClaims {
  const r = readClaimsQuery(q);
  if (!r.ok) throw fail(`query ${String(q.id)}: ${r.error}`);
  return r.asked;
}

async function resolveDidWebKey(f: typeof fetch, did: string, kid: unknown): Promise<{ jwk: JWK; alg: 'ES256' | 'EdDSA' } | undefined> {
  if (typeof kid !== 'string' || !kid.startsWith(`${did}#`)) return undefined;
  const url = didWebUrl(did);
  if (url === undefined) return undefined;
  const doc = await call(f, checkUrl(url, 'did:web document'), {}, 'did:web document');
  const vm = (Array.isArray(doc.verificationMethod) ? doc.verificationMethod : []).find((m) => isJsonObject(m) && m.id === kid) as
    JsonObject | undefined;
  if (!vm || !isJsonObject(vm.publicKeyJwk)) return undefined;
  // A real public key in its canonical encoding: under a small-order Ed25519 key anyone could
  // sign requests in this verifier's name. Throws (→ "does not verify") otherwise.
  const jwk = checkPublicJwk(vm.publicKeyJwk, { torsionFree: true });
  return { jwk, alg: algForJwk(jwk) };
}

async function fetchRequestObject(f: typeof fetch, link: string, opts: { trustAnchors: Uint8Array[]; now: Date }): Promise<JsonObject> {
  const read = readRequestLink(link);
  if (!read.ok && read.error === 'not_a_link') throw fail('the link is not an openid4vp:// URL');
  if (!read.ok || read.link.scheme !== 'openid4vp:') throw fail('the link needs client_id and request_uri');
  const { clientId, requestUri } = read.link;
  const did = didWebOfClientId(clientId);
  const x509 = /^x509_(san_dns|hash):/.test(clientId);
  if (!did && !x509) throw fail(`this wallet trusts the did:web, x509_san_dns and x509_hash client identifier prefixes, not ${clientId}`);
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
  const jwt = res.text.trim();
  let payload: JsonObject;
  if (x509) {
    payload = await verifyX509Request(jwt, clientId, { ...opts, fail });
  } else {
    try {
      const jws = parseCompactJws(jwt);
      const key = await resolveDidWebKey(f, did!, jws.header.kid);
      // RFC 9101 §6.2 + OpenID4VP §5.10: signed by the client, typed.
      ({ payload } = await verifyCompactJws(jws, {
        resolveKey: () => key,
        allowedAlgs: ['ES256', 'EdDSA'],
        expectedTyp: 'oauth-authz-req+jwt',
      }));
    } catch (e) {
      throw isAppError(e) && e.code === 'present_failed'
        ? e
        : fail("the request object does not verify against the verifier's did:web keys");
    }
  }
  // RFC 9101 §6.2 / §5.10: for the same client_id, and echoing our wallet_nonce.
  if (payload.client_id !== clientId) throw fail('the request object is for another client_id');
  if (walletNonce !== undefined && payload.wallet_nonce !== walletNonce) throw fail('the request object does not carry our wallet_nonce');
  return payload;
}

/**
 * The first credential of an asked type that holds the asked claims (OpenID4VP §6.4: one that
 * does not match is treated as absent), and the claims to disclose from it: all of `claims`, or
 * the first `claim_sets` option it satisfies — never more.
 */
function pickCredential(
  wallet: Wallet,
  query: JsonObject,
  asked: AskedClaims,
  now: Date,
): { cred: StoredCredential; pointers: ClaimPathPointer[] } {
  const mdoc = query.format === 'mso_mdoc';
  // OpenID4VP Annex B.2.3 (mdoc: meta.doctype_value) / B.3.5 (SD-JWT VC: meta.vct_values).
  const vcts = !isJsonObject(query.meta)
    ? []
    : mdoc
      ? [query.meta.doctype_value].filter((v): v is string => typeof v === 'string')
      : Array.isArray(query.meta.vct_values)
        ? (query.meta.vct_values as string[])
        : [];
  const typed = wallet.credentials.filter(
    (x) =>
      x.format === query.format &&
      (vcts.length === 0 || vcts.includes(x.kind)) &&
      x.key !== null &&
      (x.expires_at === null || new Date(x.expires_at) > now) &&
      // §6.1 trusted_authorities (aki, §6.1.1.1): a credential under another authority is not offered.
      answersTrustedAuthorities(query, () => readCredentialAuthorityKeyIds(x.format, x.credential)),
  );
  for (const cred of typed) {
    const held = mdoc ? readHeldMdocClaims(cred.credential).claims : readHeldClaims(cred.credential);
    const match = matchClaimsQuery(held, asked.claims, asked.claimSets);
    if (match.ok) return { cred, pointers: match.chosen.map((i) => asked.claims[i]!.path) };
  }
  const why = typed.length
    ? 'holds the claims it asks for'
    : `is of its type (${vcts.join(', ') || 'any'})${query.trusted_authorities !== undefined ? ' under an authority it trusts (trusted_authorities)' : ''}`;
  throw fail(`no credential in this wallet answers the verifier's query "${String(query.id)}": none ${why}`);
}

/** §8.3: the verifier's encryption key and content encryption, or why this wallet cannot encrypt to it. */
function responseEncryption(clientMetadata: unknown): ResponseEncryption {
  const read = readResponseEncryption(clientMetadata);
  if (read.ok) return read.encryption;
  throw fail(
    {
      no_key: 'the verifier asked for an encrypted response but offers no P-256 ECDH-ES key in client_metadata.jwks',
      bad_key: "the verifier's encryption key is not a P-256 public key on the curve",
      no_enc: 'the verifier offers no content encryption this wallet supports (A128GCM, A256GCM)',
    }[read.error],
  );
}

export async function presentToVerifier(wallet: Wallet, opts: PresentOptions): Promise<PresentResult> {
  const f = opts.fetch ?? fetch;
  const now = opts.now?.() ?? new Date();
  const req = await fetchRequestObject(f, opts.link, { trustAnchors: opts.trustAnchors ?? [], now });
  if ((req.response_mode !== 'direct_post' && req.response_mode !== 'direct_post.jwt') || typeof req.nonce !== 'string') {
    throw fail('the request must use response_mode direct_post or direct_post.jwt with a nonce');
  }
  const responseUri = checkUrl(req.response_uri, 'response_uri');
  const queries =
    isJsonObject(req.dcql_query) && Array.isArray(req.dcql_query.credentials) ? (req.dcql_query.credentials as JsonObject[]) : [];
  if (queries.length === 0) throw fail('the request asks for no credential');
  if (req.state !== undefined && typeof req.state !== 'string') throw fail('the request state is not a string');
  if (req.state === undefined && needsState(queries))
    throw fail('the request asks for a credential without holder binding and has no state');
  const encryption = req.response_mode === 'direct_post.jwt' ? responseEncryption(req.client_metadata) : undefined;
  // Annex B.2.6.1: an encrypted answer's mdoc SessionTranscript names the key it is encrypted to.
  const encryptionJkt = encryption && Buffer.from(await calculateJwkThumbprint(encryption.jwk, 'sha256'), 'base64url');

  const vpToken: Record<string, string[]> = {};
  const disclosed: PresentResult['disclosed'] = {};
  for (const q of queries) {
    if ((q.format !== 'dc+sd-jwt' && q.format !== 'mso_mdoc') || typeof q.id !== 'string')
      throw fail(`unsupported credential query ${String(q.id)} (${String(q.format)})`);
    const { cred, pointers } = pickCredential(wallet, q, readAskedClaims(q), now);
    const claims = opts.disclose ?? pointers.map(toClaimPathName);
    const key = wallet.keys.find((k) => k.kid === cred.key);
    if (!key) throw fail(`the key of credential ${cred.id} is not in this wallet`);
    const holder = await holderSignerFromJwk(key.jwk);
    if ((await calculateJwkThumbprint(holder.publicJwk, 'sha256')) !== cred.key) throw fail('wallet key does not match its credential');
    // An mdoc discloses exactly the pointers the query asks ([namespace, element]); its holder
    // proof is a DeviceSignature over the OpenID4VP SessionTranscript (Annex B.2.6.1).
    const presentation =
      q.format === 'mso_mdoc'
        ? createMdocPresentation({
            issuerSigned: cred.credential,
            disclose: pointers,
            deviceJwk: key.jwk,
            clientId: req.client_id as string,
            nonce: req.nonce,
            responseUri,
            ...(encryptionJkt && { jwkThumbprint: encryptionJkt }),
          })
        : (
            await createHolderPresentation({
              credential: cred.credential,
              disclose: opts.disclose ?? pointers,
              holderSigner: holder.signer,
              aud: req.client_id as string,
              nonce: req.nonce,
              iat: Math.floor(now.getTime() / 1000),
            })
          ).presentation;
    vpToken[q.id] = [presentation];
    disclosed[q.id] = { credential: cred.id, claims };
  }
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
