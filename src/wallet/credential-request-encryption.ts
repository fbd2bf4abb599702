/**
 * The reference wallet's side of encrypted credential requests and responses (OpenID4VCI 1.0
 * §8.2, §9.1, §10). The wallet asks for an encrypted response when the issuer requires one
 * (`credential_response_encryption.encryption_required`) or when told to (`--encrypt`), with a
 * fresh ECDH-ES P-256 key per issuance; it encrypts its request when the issuer requires it
 * (`credential_request_encryption.encryption_required`) and whenever it asks for an encrypted
 * response (§8.2: MUST, so the response key cannot be substituted). The issuer's key is picked
 * from `credential_request_encryption.jwks` by the same rules as a verifier's (holder/encrypt-response.ts:
 * `alg` ECDH-ES, `use` enc or absent, a real P-256 point), with its `kid` in the JWE header.
 */
import { randomBytes } from 'node:crypto';
import { compactDecrypt, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { encryptJsonJwe, type JweRecipient } from '../formats/jose/ecdh-es-jwe.js';
import { readResponseEncryption } from '../holder/encrypt-response.js';
import type { CappedResponse } from '../http-client/fetch-capped.js';
import { failed } from './wallet-http.js';

/** How one issuance talks to the credential and deferred credential endpoints. */
export interface CredentialExchange {
  /** The issuer's request key, when requests are encrypted. */
  requestKey: JweRecipient | undefined;
  /** The wallet's response key, when responses are encrypted: its private half and the request parameter. */
  response: { privateKey: CryptoKey; parameter: JsonObject } | undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export const PLAIN_EXCHANGE: CredentialExchange = { requestKey: undefined, response: undefined };

const required = (o: unknown): boolean => isJsonObject(o) && o.encryption_required === true;

export async function planCredentialExchange(metadata: JsonObject, opts: { encryptResponse?: boolean } = {}): Promise<CredentialExchange> {
  const offered = metadata.credential_response_encryption;
  const wantResponse = opts.encryptResponse === true || required(offered);
  const requestEncryption = metadata.credential_request_encryption;
  let requestKey: JweRecipient | undefined;
  if (wantResponse || required(requestEncryption)) {
    if (!isJsonObject(requestEncryption))
      throw failed('the issuer does not offer encrypted credential requests (credential_request_encryption)');
    const read = readResponseEncryption({
      jwks: requestEncryption.jwks,
      encrypted_response_enc_values_supported: requestEncryption.enc_values_supported,
    });
    if (!read.ok) throw failed(`the issuer's credential_request_encryption has no usable key or enc (${read.error})`);
    requestKey = read.encryption;
  }
  if (!wantResponse) return { requestKey, response: undefined };
  const encs = isJsonObject(offered) && Array.isArray(offered.enc_values_supported) ? offered.enc_values_supported : [];
  const enc = encs.includes('A256GCM') ? 'A256GCM' : encs.includes('A128GCM') ? 'A128GCM' : undefined;
  if (!enc) throw failed('the issuer offers no encrypted responses with A128GCM or A256GCM');
  const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  const pub = await exportJWK(publicKey);
  const kid = randomBytes(8).toString('base64url');
  return {
    requestKey,
    response: { privateKey, parameter: { jwk: { kty: 'EC', crv: 'P-256', x: pub.x!, y: pub.y!, alg: 'ECDH-ES', use: 'enc', kid }, enc } },
  };
}

/** The request body and its media type: the JSON request, with the response key when asked, encrypted when planned. */
export async function sealCredentialRequest(exchange: CredentialExchange, request: JsonObject): Promise<{ body: string; type: string }> {
  const full = exchange.response ? { ...request, credential_response_encryption: exchange.response.parameter } : request;
  if (!exchange.requestKey) return { body: JSON.stringify(full), type: 'application/json' };
  return { body: await encryptJsonJwe(full, exchange.requestKey), type: 'application/jwt' };
}

/** A 2xx `application/jwt` answer decrypted with the response key, as the JSON text it carries (errors stay JSON). */
export async function openCredentialAnswer(exchange: CredentialExchange, res: CappedResponse): Promise<CappedResponse> {
  const type = res.headers.get('content-type') ?? '';
  if (res.status < 200 || res.status > 299) return res;
  const encrypted = /^application\/jwt/i.test(type);
  if (!encrypted && !exchange.response) return res;
  // §8.3: a response asked for encrypted MUST come encrypted; one not asked for is not ours to read.
  if (!encrypted) throw failed('the issuer answered in clear although the wallet asked for an encrypted response');
  if (!exchange.response) throw failed('the issuer encrypted a response the wallet did not ask to be encrypted');
  try {
    const { plaintext } = await compactDecrypt(res.text.trim(), exchange.response.privateKey, {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A128GCM', 'A256GCM'],
    });
    // Strict UTF-8 (RFC 8259 §8.1): other bytes are refused, not read as U+FFFD.
    return { ...res, text: strictUtf8.decode(plaintext) };
  } catch {
    throw failed('the encrypted credential response does not decrypt with the wallet key to UTF-8 text');
  }
}
