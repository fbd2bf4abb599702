/**
 * The wallet's POST to request_uri (OpenID4VP 1.0 §5.10, request_uri_method=post): optional
 * `wallet_metadata` (a JSON object, §10) and `wallet_nonce` (echoed in the signed request
 * object, so the wallet knows it is fresh). The metadata is read only to refuse what it says we
 * cannot meet: a wallet that lists `request_object_signing_alg_values_supported` without ES256
 * (the algorithm of our request objects) gets `invalid_request` rather than a request it cannot
 * verify; one that lists `client_id_prefixes_supported` without the request's prefix likewise.
 */
import { requestRefusal, type RequestRefusal } from './request-refusals.js';
import { parseJsonText } from '../formats/jose/parse-json.js';
import { isJsonObject } from '../formats/jose/types.js';

const NONCE = /^[\x21-\x7e]{1,128}$/;
const invalid = (which: RequestRefusal) => requestRefusal('invalid_request', which);

export interface RequestUriPost {
  walletNonce?: string;
  /** The wallet's request_object_signing_alg_values_supported, when it said. */
  walletAlgs?: string[];
  /** The wallet's client_id_prefixes_supported (§10), when it said. */
  walletPrefixes?: string[];
}

export function readRequestUriPost(body: Record<string, unknown>): RequestUriPost {
  const out: RequestUriPost = {};
  const { wallet_metadata: metadata, wallet_nonce: nonce } = body;
  if (metadata !== undefined) {
    if (typeof metadata !== 'string') throw invalid('walletMetadataTwice');
    let parsed: unknown;
    try {
      parsed = parseJsonText(metadata, 'jws_malformed');
    } catch {
      throw invalid('walletMetadata');
    }
    if (!isJsonObject(parsed)) throw invalid('walletMetadata');
    const algs = parsed.request_object_signing_alg_values_supported;
    if (Array.isArray(algs)) out.walletAlgs = algs.filter((a): a is string => typeof a === 'string');
    const prefixes = parsed.client_id_prefixes_supported;
    if (Array.isArray(prefixes)) out.walletPrefixes = prefixes.filter((a): a is string => typeof a === 'string');
  }
  if (nonce === undefined) return out;
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw invalid('walletNonce');
  return { ...out, walletNonce: nonce };
}
