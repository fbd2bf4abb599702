/**
 * The wallet's side of OpenID4VP 1.0 (cross-device, request by reference, `direct_post`).
 *
 * 1. Read `openid4vp://?client_id=…&request_uri=…` (§5.7) and fetch the Request Object.
 * 2. Check it before showing anything (RFC 9101 §6.1, OpenID4VP §5.10): typ
 *    `oauth-authz-req+jwt`, ES256/EdDSA, signed by a key of the verifier's did:web document
 *    (client identifier prefix `decentralized_identifier`, §5.9.3), `client_id` equal to the
 *    link's, `response_mode` `direct_post` or `direct_post.jwt`, not expired.
 * 3. Match the DCQL query (§6) against the wallet's credentials by `vct` (an mdoc: by
 *    `doctype_value`, Annex B.2.3) and claims (§6.4.1: `values`, the first satisfiable
 *    `claim_sets` option), with the shared claim-path module.
 * 4. After consent, post `vp_token` (JSON keyed by credential query id, §8.1) and `state` to
 *    `response_uri` (§8.2), or both as one JWE to the request's key with `direct_post.jwt`
 *    (§8.3.1); a refusal posts `error=access_denied` (§8.5). An mdoc answers with a
 *    DeviceResponse (Annex B.2.4, mdoc.ts), bound by the OpenID4VPHandover (B.2.6.1) or, over the
 *    Digital Credentials API, the OpenID4VPDCAPIHandover (B.2.6.2).
 */
import { base64url, calculateJwkThumbprint, compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { isRealPublicJwk } from '../../formats/jose/check-public-jwk.js';
import { didWebUrl } from '../../holder/did-web-url.js';
import { didWebOfClientId, readRequestLink } from '../../holder/read-request-link.js';
import { readClientName, readLogoUri, readPurpose } from '../../holder/read-verifier-metadata.js';
import { encryptResponse, needsState, readResponseEncryption, type ResponseEncryption } from '../../holder/encrypt-response.js';
import { checkX509Request, X509RequestRefused } from '../../holder/check-x509-request.js';
import { splitClientId } from '../../formats/x509/client-id-prefix.js';
import { REQUEST_REFUSAL } from '../../verdict/glossary.js';
import { callApi } from '../shared/api.js';
import type { Text } from '../shared/i18n.js';
import { t, tx } from '../shared/i18n.js';
import { WalletError, sameOrigin } from './receive-offer.js';
import { WALLET_REQUEST_REFUSAL, type WalletRequestRefusal } from './request-refusals.js';
import type { ClaimPathPointer } from '../../formats/claim-path/claim-path-pointer.js';
import type { OpenId4VpHandoverInput } from '../../formats/mdoc/build-device-authentication.js';
import { matchClaimsQuery } from '../../formats/claim-path/match-claims-query.js';
import { readClaimsQuery, type AskedClaims } from '../../formats/claim-path/read-claims-query.js';
import { createPresentation, decodeSdJwt, type DecodedSdJwt } from './sd-jwt.js';
import { createMdocAnswer, isMdoc, MSO_MDOC, type DecodedMdoc } from './mdoc.js';
import type { StoredCredential } from './wallet-db.js';
import { getKey } from './wallet-db.js';

type Obj = Record<string, unknown>;
/** A held credential as decoded for matching: an SD-JWT VC, or an mdoc. */
export type Decoded = DecodedSdJwt | DecodedMdoc;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CredentialQuery {
  id: string;
  /** §6.1: the one format that answers this query. */
  format: string;
  vctValues: string[];
  /** Annex B.2.3: `meta.doctype_value` of an `mso_mdoc` query. */
  doctype: string | undefined;
  /** What the verifier asks (no claims = only that the credential is valid). */
  asked: AskedClaims;
}

/** Who signed the request, when it is an X.509 certificate: what the holder is shown. */
export interface VerifierCertificate {
  subject: string;
  dnsNames: string[];
}

export interface VerifierRequest {
  /** The request's client_id; an unsigned Digital Credentials API request has none (A.2). */
  clientId: string | undefined;
  /** direct_post(.jwt): where the answer goes; undefined over the Digital Credentials API. */
  responseUri: string | undefined;
  /** Digital Credentials API: the origin the browser says is calling (the answer's `aud` is `origin:<it>`). */
  origin: string | undefined;
  certificate: VerifierCertificate | undefined;
  nonce: string;
  /** §5.2: optional unless a credential is asked for without holder binding. */
  state: string | undefined;
  /** direct_post.jwt (§8.3.1): the verifier's key and content encryption; undefined for direct_post. */
  encryption: ResponseEncryption | undefined;
  verifierName: string | null;
  /** client_metadata.logo_uri, https only (the page's CSP img-src allows https: images). */
  verifierLogo: string | null;
  purpose: Text | null;
  queries: CredentialQuery[];
  expiresAt: number | null;
}

async function resolveDidKey(did: string, kid: string): Promise<JWK> {
  const url = didWebUrl(did);
  if (url === undefined) throw refuseRequest('did_not_a_host');
  const doc = await callApi<Obj>(sameOrigin(url, 'did:web'));
  if (doc.id !== did) throw refuseRequest('did_document_other');
  const vm = Array.isArray(doc.verificationMethod) ? doc.verificationMethod.find((m) => isObj(m) && m.id === kid) : undefined;
  if (!isObj(vm) || !isObj(vm.publicKeyJwk)) throw refuseRequest('key_not_published');
  // Same gate as the server's: under a small-order Ed25519 key anyone could sign in this verifier's name.
  if (!isRealPublicJwk(vm.publicKeyJwk, { torsionFree: true })) throw refuseRequest('published_key_invalid');
  return vm.publicKeyJwk as JWK;
}

/**
 * The wallet's own refusal of a request, in the page's language, code `bad_request_object`;
 * `detail` (a protocol value) goes into the English only, never into the Korean sentence.
 */
function refuseRequest(reason: WalletRequestRefusal, detail?: string): WalletError {
  const { ko, en } = WALLET_REQUEST_REFUSAL[reason];
  return new WalletError('bad_request_object', t(ko, detail === undefined ? en : `${en} (${detail})`));
}

/** The refusal a holder reads for a failed X.509 check, in the page's language. */
const refusal = (reason: keyof typeof REQUEST_REFUSAL, code = 'bad_request_object'): WalletError =>
  new WalletError(code, tx(REQUEST_REFUSAL[reason]));

const isX509ClientId = (clientId: string): boolean => {
  const prefix = splitClientId(clientId)?.prefix;
  return prefix === 'x509_san_dns' || prefix === 'x509_hash';
};

/** The anchors this service publishes for its wallet page (WALLET_TRUST_ANCHORS), read once per page. */
let anchors: Promise<Uint8Array[]> | undefined;
const trustAnchors = (): Promise<Uint8Array[]> =>
  (anchors ??= callApi<{ anchors: { certificate: string }[] }>('/v1/wallet/trust-anchors').then((r) =>
    r.anchors.map((a) => Uint8Array.from(atob(a.certificate), (c) => c.charCodeAt(0))),
  )).catch((e: unknown) => {
    anchors = undefined;
    throw e;
  });

/** §5.9.3 x509_san_dns / x509_hash: the shared rules, certificates read by @peculiar/x509 (loaded only now). */
async function verifyX509Signed(
  jwt: string,
  clientId: string,
  dcApi: boolean,
): Promise<{ payload: Obj; certificate: VerifierCertificate }> {
  const [{ webCertificateReader }, ders] = await Promise.all([import('./x509-reader.js'), trustAnchors()]);
  try {
    const { payload, leaf } = await checkX509Request(jwt, clientId, {
      reader: webCertificateReader(ders),
      now: Date.now(),
      responseUriOnSanDns: !dcApi,
    });
    return { payload, certificate: { subject: leaf.subject, dnsNames: leaf.dnsNames } };
  } catch (e) {
    if (e instanceof X509RequestRefused) throw refusal(e.reason);
    throw e;
  }
}

/** §5.9.3 decentralized_identifier: signed by a key of the verifier's did:web document. */
async function verifyDidSigned(jwt: string, did: string): Promise<Obj> {
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw refusal('bad_signature');
  }
  // RFC 9101 §10.8 / OpenID4VP §5.10: an explicitly typed, signed Request Object.
  if (header.typ !== 'oauth-authz-req+jwt' || (header.alg !== 'ES256' && header.alg !== 'EdDSA') || typeof header.kid !== 'string') {
    throw refuseRequest('not_signed_request');
  }
  // §5.9.3: the kid is a DID URL of the client identifier's DID.
  if (!header.kid.startsWith(`${did}#`)) throw refuseRequest('signed_by_another');
  const key = await importJWK(await resolveDidKey(did, header.kid), header.alg === 'EdDSA' ? 'Ed25519' : 'ES256');
  await compactVerify(jwt, key).catch(() => {
    throw refusal('bad_signature');
  });
  return decodeJwt(jwt) as Obj;
}

/** A signed request object under the client identifier it names: did:web or X.509. */
async function verifySigned(
  jwt: string,
  clientId: string,
  dcApi = false,
): Promise<{ payload: Obj; certificate: VerifierCertificate | undefined }> {
  if (isX509ClientId(clientId)) return verifyX509Signed(jwt, clientId, dcApi);
  const did = didWebOfClientId(clientId);
  if (!did) throw refusal('not_x509', 'unsupported_client');
  const payload = await verifyDidSigned(jwt, did);
  if (payload.client_id !== clientId) throw refuseRequest('client_id_differs');
  return { payload, certificate: undefined };
}

export async function readVerifierRequest(link: string): Promise<VerifierRequest> {
  const read = readRequestLink(link);
  if (!read.ok && read.error === 'not_a_link') {
    throw new WalletError(
      'bad_link',
      t('제출 요청 링크가 아닙니다 (openid4vp://…).', 'This is not a presentation request link (openid4vp://…).'),
    );
  }
  // A link without client_id and request_uri (a request by value, another scheme's URL) is not one this wallet reads.
  if (!read.ok)
    throw new WalletError(
      'bad_link',
      t(
        '이 지갑이 받을 수 있는 제출 요청 링크가 아닙니다. 검증 창구의 QR을 다시 스캔하십시오.',
        'Only requests with client_id and request_uri are supported.',
      ),
    );
  const { clientId, requestUri } = read.link;
  if (!didWebOfClientId(clientId) && !isX509ClientId(clientId)) throw refusal('not_x509', 'unsupported_client');

  const res = await fetch(sameOrigin(requestUri, 'request_uri', '제출 요청 링크가 올바르지 않습니다.'), {
    headers: { accept: 'application/oauth-authz-req+jwt' },
    cache: 'no-store',
    credentials: 'omit',
  }).catch(() => undefined);
  if (!res) throw new WalletError('network_error', t('서버에 연결할 수 없습니다.', 'The server cannot be reached.'));
  if (!res.ok) {
    throw new WalletError(
      'request_gone',
      t(
        '이미 응답했거나 만료된 요청입니다. 검증 창구에 새 QR을 요청하십시오.',
        'This request was already answered or has expired. Ask the counter for a new QR.',
      ),
    );
  }
  const { payload, certificate } = await verifySigned((await res.text()).trim(), clientId);
  if (payload.client_id !== clientId) throw refuseRequest('client_id_differs');
  if (payload.response_mode !== 'direct_post' && payload.response_mode !== 'direct_post.jwt')
    throw refuseRequest('unsupported_response_mode', String(payload.response_mode));
  return readRequestParameters(payload, {
    clientId,
    certificate,
    responseUri: sameOrigin(payload.response_uri, 'response_uri'),
    origin: undefined,
  });
}

/**
 * The wallet side of a Digital Credentials API request (OpenID4VP 1.0 Appendix A), as a platform
 * hands it over: `openid4vp-v1-signed` (`{ request: <JWS> }`: its `expected_origins` must hold the
 * calling origin, A.2, so another site cannot replay it) or `openid4vp-v1-unsigned` (the
 * parameters, no client_id). `dc_api` or `dc_api.jwt`; no state (A.2).
 */
export async function readDcApiRequest(protocol: string, data: unknown, origin: string): Promise<VerifierRequest> {
  if (!isObj(data)) throw refuseRequest('data_not_object');
  let payload: Obj;
  let clientId: string | undefined;
  let certificate: VerifierCertificate | undefined;
  if (protocol === 'openid4vp-v1-signed') {
    if (typeof data.request !== 'string') throw refuseRequest('signed_without_request');
    let claimed: unknown;
    try {
      claimed = decodeJwt(data.request).client_id;
    } catch {
      throw refusal('bad_signature');
    }
    if (typeof claimed !== 'string') throw refuseRequest('signed_without_client');
    clientId = claimed;
    ({ payload, certificate } = await verifySigned(data.request, clientId, true));
    // A.2: expected_origins is REQUIRED in a signed request; the origin the browser gives must be in it.
    if (!Array.isArray(payload.expected_origins) || !payload.expected_origins.includes(origin)) throw refusal('origin_mismatch');
  } else if (protocol === 'openid4vp-v1-unsigned') {
    payload = data;
    // A.2: an unsigned request has no client_id.
    if (payload.client_id !== undefined) throw refuseRequest('unsigned_names_client');
  } else {
    throw refuseRequest('unsupported_protocol', protocol);
  }
  if (payload.response_mode !== 'dc_api' && payload.response_mode !== 'dc_api.jwt')
    throw refuseRequest('unsupported_response_mode', String(payload.response_mode));
  return readRequestParameters(payload, { clientId, certificate, responseUri: undefined, origin });
}

/** What every request says once its signature (if any) is checked: mode, key, nonce, DCQL, who and why. */
function readRequestParameters(p: Obj, at: Pick<VerifierRequest, 'clientId' | 'certificate' | 'responseUri' | 'origin'>): VerifierRequest {
  if (p.response_type !== 'vp_token') throw refuseRequest('unsupported_response_type', String(p.response_type));
  let encryption: ResponseEncryption | undefined;
  if (p.response_mode === 'direct_post.jwt' || p.response_mode === 'dc_api.jwt') {
    const read = readResponseEncryption(p.client_metadata);
    if (!read.ok) throw refuseRequest('encryption_key_unusable', read.error);
    encryption = read.encryption;
  }
  if (typeof p.exp === 'number' && p.exp * 1000 < Date.now())
    throw new WalletError('request_gone', t('만료된 요청입니다.', 'The request has expired.'));
  if (typeof p.nonce !== 'string') throw refuseRequest('nonce_missing');
  if (p.state !== undefined && typeof p.state !== 'string') throw refuseRequest('state_not_string');
  const dcql = isObj(p.dcql_query) ? p.dcql_query : {};
  if (at.origin === undefined && p.state === undefined && needsState(Array.isArray(dcql.credentials) ? dcql.credentials : []))
    throw refuseRequest('state_missing');
  const queries: CredentialQuery[] = (Array.isArray(dcql.credentials) ? dcql.credentials : []).filter(isObj).map((q) => {
    const read = readClaimsQuery(q);
    if (!read.ok) throw refuseRequest('query_unreadable', read.error);
    return {
      id: String(q.id),
      format: String(q.format),
      vctValues: isObj(q.meta) && Array.isArray(q.meta.vct_values) ? q.meta.vct_values.map(String) : [],
      doctype: isObj(q.meta) && typeof q.meta.doctype_value === 'string' ? q.meta.doctype_value : undefined,
      asked: read.asked,
    };
  });
  // OpenID4VP 1.0 §5.1: who asks (client_metadata.client_name) and why (verifier_info).
  const asked = readPurpose(p);
  const purpose = asked?.ko ? { ko: asked.ko, en: asked.en ?? asked.ko } : null;
  return {
    ...at,
    nonce: p.nonce,
    state: typeof p.state === 'string' ? p.state : undefined,
    encryption,
    verifierName: readClientName(p),
    verifierLogo: readLogoUri(p),
    purpose,
    queries,
    expiresAt: typeof p.exp === 'number' ? p.exp * 1000 : null,
  };
}

/**
 * The claims to offer from one credential: all asked claims, or the first `claim_sets` option it
 * satisfies (§6.4.1), never more; undefined when it cannot answer (§6.4.2: treated as absent).
 */
export function claimsToOffer(query: CredentialQuery, decoded: Decoded): ClaimPathPointer[] | undefined {
  const match = matchClaimsQuery(decoded.claims, query.asked.claims, query.asked.claimSets);
  return match.ok ? match.chosen.map((i) => query.asked.claims[i]!.path) : undefined;
}

/** Wallet credentials that can answer a query: same format (§6.1), same vct or doctype, not expired, holding what is asked. */
export function candidatesFor<T extends { stored: StoredCredential; decoded: Decoded }>(query: CredentialQuery, held: readonly T[]): T[] {
  const now = Date.now();
  return held.filter(
    ({ stored: c, decoded }) =>
      c.format === query.format &&
      (c.format === MSO_MDOC ? query.doctype === c.vct : query.vctValues.includes(c.vct)) &&
      (c.expires_at === null || Date.parse(c.expires_at) > now) &&
      claimsToOffer(query, decoded) !== undefined,
  );
}

export interface Answer {
  query: CredentialQuery;
  credential: StoredCredential;
  decoded: Decoded;
  /** The claims the holder agreed to disclose (a subset of claimsToOffer). */
  pointers: ClaimPathPointer[];
}

/** What the Response URI answered (§8.2): our `status` extension and the `redirect_uri` to the holder's result. */
export interface PostAnswer {
  status: string | undefined;
  redirectUri: string | undefined;
}
const postAnswer = (res: Obj | undefined): PostAnswer => ({
  status: typeof res?.status === 'string' ? res.status : undefined,
  redirectUri: typeof res?.redirect_uri === 'string' ? res.redirect_uri : undefined,
});

/** The `aud` of the presentations: the client_id, or `origin:<origin>` over the Digital Credentials API (A.4). */
const audienceOf = (req: VerifierRequest): string => (req.origin !== undefined ? `origin:${req.origin}` : req.clientId!);

/**
 * An mdoc's handover (Annex B.2.6): over the Digital Credentials API the origin the browser gave
 * and the nonce (OpenID4VPDCAPIHandover, B.2.6.2; the origin bare, no `origin:` prefix), else the
 * client_id, nonce and Response URI (OpenID4VPHandover, B.2.6.1).
 */
const mdocHandover = (req: VerifierRequest, jwkThumbprint: Uint8Array | undefined): OpenId4VpHandoverInput => ({
  ...(req.origin !== undefined
    ? { origin: req.origin, nonce: req.nonce }
    : { clientId: req.clientId!, nonce: req.nonce, responseUri: req.responseUri! }),
  ...(jwkThumbprint && { jwkThumbprint }),
});

/** The response parameters (§8.1): `vp_token` and `state`, or both as one JWE (§8.3.1, A.3 dc_api.jwt). */
async function responseParameters(
  req: VerifierRequest,
  answers: readonly Answer[],
): Promise<{ response: string } | { vp_token: Record<string, string[]>; state?: string }> {
  const vpToken: Record<string, string[]> = {};
  // Annex B.2.6.1/B.2.6.2: an encrypted answer's mdoc SessionTranscript names the key it is encrypted to.
  const encryptionJkt = req.encryption && base64url.decode(await calculateJwkThumbprint(req.encryption.jwk, 'sha256'));
  for (const a of answers) {
    const key = await getKey(a.credential.key);
    if (!key)
      throw new WalletError(
        'key_missing',
        t('이 증명서의 키가 지갑에 없습니다.', 'The key of this credential is missing from the wallet.'),
      );
    vpToken[a.query.id] = [
      isMdoc(a.decoded)
        ? await createMdocAnswer({
            credential: a.credential.credential,
            disclose: a.pointers,
            deviceKey: key.privateKey,
            handover: mdocHandover(req, encryptionJkt),
          })
        : await createPresentation(a.decoded, a.pointers, key.privateKey, audienceOf(req), req.nonce),
    ];
  }
  const state = req.state !== undefined ? { state: req.state } : {};
  return req.encryption
    ? { response: await encryptResponse({ vp_token: vpToken, ...state }, req.encryption) }
    : { vp_token: vpToken, ...state };
}

/** Builds the presentations and posts them (§8.2). */
export async function answerRequest(req: VerifierRequest, answers: readonly Answer[]): Promise<PostAnswer> {
  const params = await responseParameters(req, answers);
  const form: Record<string, string> =
    'response' in params ? { response: params.response } : { ...params, vp_token: JSON.stringify(params.vp_token) };
  return postAnswer(await callApi<Obj>(req.responseUri!, { form }));
}

/** A.3/A.4: over the Digital Credentials API the parameters go back to the calling page as `DigitalCredential.data`. */
export const dcApiResponseData = (req: VerifierRequest, answers: readonly Answer[]): Promise<Obj> => responseParameters(req, answers);

/** §8.5: the holder said no. */
export async function declineRequest(req: VerifierRequest): Promise<PostAnswer> {
  // §8.3.1 lets an error travel unencrypted.
  return postAnswer(
    await callApi<Obj>(req.responseUri!, { form: { error: 'access_denied', ...(req.state !== undefined && { state: req.state }) } }),
  );
}

export { decodeSdJwt };
