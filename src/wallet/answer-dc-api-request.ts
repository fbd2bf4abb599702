/**
 * `wallet present-dc-api`: the CLI wallet as the platform wallet of the W3C Digital Credentials
 * API (OpenID4VP 1.0 Appendix A). The browser gives a wallet the `data` of a
 * DigitalCredentialRequest and the origin of the page that called `navigator.credentials.get`;
 * the wallet returns the `data` the page hands back to its verifier (A.4). Nothing is sent by the
 * wallet itself: the answer travels through the browser.
 *
 * Story: the request entry (`openid4vp-v1-signed` preferred over `openid4vp-v1-unsigned`) → a
 * signed one verifies under its client identifier (did:web or X.509, as `wallet present` does) and
 * its `expected_origins` holds the origin exactly (A.2: "simple string comparison"), else refuse
 * before anything is signed → an unsigned one is taken as it is (A.2: client_id and
 * expected_origins are ignored there) → vp_token with KB-JWT `aud` `origin:<origin>` (A.4) or an
 * mdoc over the OpenID4VPDCAPIHandover (Annex B.2.6.2) → `{ vp_token }`, or for `dc_api.jwt`
 * `{ response: <JWE> }` to the request's key.
 */
import { decodeJwt } from 'jose';
import { badRequest } from '../errors.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { readClientName, readLogoUri, readPurpose } from '../holder/read-verifier-metadata.js';
import { encryptResponse } from '../holder/encrypt-response.js';
import { buildVpToken, encryptionThumbprint, readCredentialQueries, responseEncryption, type VpTokenResult } from './build-vp-token.js';
import { verifyRequestObject } from './verify-request-object.js';
import { failed } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

const fail = (message: string) => failed(message, 'present_failed');
/**
 * The request handed to the wallet cannot be read as a DC API request: the holder's input is
 * wrong (400), not a verifier's answer the wallet refuses (present_failed, 502). What the signed
 * request says once read (its signature, its verifier's keys, its lifetime) stays present_failed.
 */
const invalid = (message: string) => badRequest('dc_api_request_invalid', message);

/** A.1: the protocols this wallet answers, in the order it prefers them (a signed request names its verifier). */
const PROTOCOLS = ['openid4vp-v1-signed', 'openid4vp-v1-unsigned'] as const;
type Protocol = (typeof PROTOCOLS)[number];

export interface DcApiAnswerOptions {
  /**
   * What the page passed to navigator.credentials.get: one `{ protocol, data }` entry, a list of
   * them, or the whole answer of POST /v1/verifier/requests (its `dc_api_requests`).
   */
  request: unknown;
  /** The origin of the calling page, as the browser gives it to the wallet. */
  origin: string;
  disclose?: string[];
  fetch?: typeof fetch;
  now?: () => Date;
  /** DER certificates the holder trusts for X.509 verifier identities (x509_san_dns, x509_hash). */
  trustAnchors?: Uint8Array[];
}

export interface DcApiAnswer {
  protocol: Protocol;
  /** Who asks: the verified client_id of a signed request; null for an unsigned one (only the origin is known). */
  verifier: {
    client_id: string | null;
    origin: string;
    name: string | null;
    logo_uri: string | null;
    purpose: { ko?: string; en?: string } | null;
  };
  disclosed: VpTokenResult['disclosed'];
  /** What the page hands back to its verifier: `{ vp_token }`, or `{ response }` for dc_api.jwt. */
  data: JsonObject;
}

/** The entry this wallet answers, out of what the page offered. */
function pickRequest(request: unknown): { protocol: Protocol; data: JsonObject } {
  const list = Array.isArray(request)
    ? request
    : isJsonObject(request) && Array.isArray(request.dc_api_requests)
      ? request.dc_api_requests
      : [request];
  const entries = list.filter((e): e is JsonObject => isJsonObject(e) && typeof e.protocol === 'string' && isJsonObject(e.data));
  if (entries.length === 0)
    throw invalid(
      'the request is not a DC API request: give one { "protocol", "data" } entry of dc_api_requests, the list, or the whole answer of POST /v1/verifier/requests',
    );
  for (const protocol of PROTOCOLS) {
    const hit = entries.find((e) => e.protocol === protocol);
    if (hit) return { protocol, data: hit.data as JsonObject };
  }
  throw invalid(
    `this wallet answers the protocols ${PROTOCOLS.join(', ')}, not ${entries.map((e) => String(e.protocol)).join(', ')} (openid4vp-v1-multisigned is not supported)`,
  );
}

/** A.2: the signed request verifies under its client identifier and was made for this origin. */
async function readSignedRequest(data: JsonObject, origin: string, f: typeof fetch, trustAnchors: Uint8Array[], now: Date) {
  if (typeof data.request !== 'string') throw invalid('a signed DC API request carries its request object in data.request');
  let clientId: unknown;
  try {
    clientId = decodeJwt(data.request).client_id;
  } catch {
    throw invalid('data.request is not a compact JWS');
  }
  // A.2: client_id is REQUIRED in a signed request: it says how the request is authenticated.
  if (typeof clientId !== 'string') throw invalid('the signed request has no client_id');
  const payload = await verifyRequestObject(f, data.request, clientId, { trustAnchors, now, responseUriOnSanDns: false });
  // A.2: "a non-empty array of strings"; compared as strings, without any processing.
  const expected = payload.expected_origins;
  if (!Array.isArray(expected) || expected.length === 0 || !expected.every((o) => typeof o === 'string'))
    throw invalid('the signed request has no expected_origins (OpenID4VP 1.0 A.2 requires them)');
  if (!expected.includes(origin))
    throw badRequest(
      'dc_api_origin_not_expected',
      `the request was made for ${expected.join(', ')}, not for the page at ${origin}: it may be replayed by another site; nothing was sent`,
    );
  // The request is handed over by the browser, not fetched fresh: its lifetime is its own exp.
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= now.getTime()) throw fail('the signed request has expired');
  return { clientId, payload };
}

export async function answerDcApiRequest(wallet: Wallet, opts: DcApiAnswerOptions): Promise<DcApiAnswer> {
  const now = opts.now?.() ?? new Date();
  const origin = opts.origin;
  // A browser hands over a serialised origin (scheme://host[:port]); anything else is a typing error.
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  // A.2: http only for local development (this machine).
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed?.hostname ?? '');
  if (parsed?.origin !== origin || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)))
    throw badRequest(
      'invalid_origin',
      `--origin must be an https origin as a browser writes it (https://host[:port], no path; http only for localhost), got ${origin}`,
    );
  const { protocol, data } = pickRequest(opts.request);
  const signed =
    protocol === 'openid4vp-v1-signed'
      ? await readSignedRequest(data, origin, opts.fetch ?? fetch, opts.trustAnchors ?? [], now)
      : undefined;
  // A.2: an unsigned request's client_id and expected_origins are ignored.
  const req = signed?.payload ?? data;
  if ((req.response_mode !== 'dc_api' && req.response_mode !== 'dc_api.jwt') || typeof req.nonce !== 'string')
    throw invalid(
      'a DC API request must use response_mode dc_api or dc_api.jwt with a nonce (a redirect request is answered with `dproof wallet present`)',
    );
  const queries = readCredentialQueries(req, invalid);
  const encryption = req.response_mode === 'dc_api.jwt' ? responseEncryption(req.client_metadata, invalid) : undefined;
  const jwkThumbprint = await encryptionThumbprint(encryption);
  // A.4: the audience is the origin, even for signed requests; Annex B.2.6.2 for an mdoc.
  const { vpToken, disclosed } = await buildVpToken(
    wallet,
    queries,
    { nonce: req.nonce, aud: `origin:${origin}`, mdocHandover: { origin, ...(jwkThumbprint && { jwkThumbprint }) } },
    { ...(opts.disclose && { disclose: opts.disclose }), now },
  );
  // A.4 / §8.3: no state over the DC API; dc_api.jwt puts the parameters in one JWE.
  const answer: JsonObject = encryption ? { response: await encryptResponse({ vp_token: vpToken }, encryption) } : { vp_token: vpToken };
  return {
    protocol,
    verifier: {
      client_id: signed?.clientId ?? null,
      origin,
      name: readClientName(req),
      logo_uri: readLogoUri(req),
      // §5.1: verifier_info is used only with a signature that binds it; an unsigned request's is ignored.
      purpose: signed ? readPurpose(req) : null,
    },
    disclosed,
    data: answer,
  };
}
