/**
 * `wallet receive`: the holder side of OpenID4VCI 1.0, Pre-Authorized Code Flow (§3.5):
 * offer (§4.1) → Credential Issuer Metadata (§12.2) → Authorization Server Metadata (§12.3,
 * RFC 8414) → token (§6) → nonce (§7) → key proofs (Appendix F.1) → credential (§8). Each
 * received credential is checked before it is kept: issuer signature against the issuer's
 * published keys, `iss`, and the `cnf` key being ours. Each key binds at most one credential.
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { badRequest } from '../errors.js';
import { verifySdJwtVc } from '../formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { isRealPublicJwk } from '../formats/jose/check-public-jwk.js';
import type { SigningAlg } from '../keys/signer.js';
import { readOfferLink, type OfferLinkError } from '../holder/read-offer-link.js';
import { wellKnownUrl } from '../holder/well-known-url.js';
import { call, checkUrl, failed } from './wallet-http.js';
import { createWalletKey } from './create-wallet-key.js';
import { awaitDeferred } from './await-deferred.js';
import { notifyIssuer } from './notify-issuer.js';
import { postWithToken } from './dpop-calls.js';
import { readIssuerMetadata } from './read-issuer-metadata.js';
import { requestAccessToken } from './request-access-token.js';
import { createKeyProofs } from './create-key-proofs.js';
import type { StoredCredential, Wallet, WalletKey } from './wallet-file.js';
import { checkReceivedMdoc } from './check-received-mdoc.js';
import { parseSdJwt } from '../formats/sd-jwt/parse-sd-jwt.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { checkReceivedX5c } from '../formats/x509/verify-jws-x5c.js';
import { planCredentialExchange } from './credential-request-encryption.js';

export interface ReceiveOptions {
  offerLink: string;
  txCode?: string;
  /** How many credentials (one key each) to ask for; capped by the issuer's batch_size. */
  count?: number;
  fetch?: typeof fetch;
  now?: () => Date;
  /** How long to keep polling a deferred issuance (OpenID4VCI §9), seconds; 0 = do not wait. */
  waitSeconds?: number;
  /** Ask for encrypted credential responses (and so encrypt the requests, OpenID4VCI §8.2) even when the issuer does not require it. */
  encrypt?: boolean;
}

/** Tells the issuer the credentials were stored (§11); call it after the wallet file is written. */
export type Acknowledge = () => Promise<boolean>;

const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

const OFFER_LINK_REFUSALS: Record<OfferLinkError, string> = {
  not_a_link: 'the offer is not a link (openid-credential-offer://?credential_offer_uri=…)',
  not_exactly_one_offer: 'the link must carry exactly one credential_offer or credential_offer_uri',
  offer_not_json: 'credential_offer is not JSON',
};

async function issuerKeyResolver(f: typeof fetch, issuer: string) {
  // SD-JWT VC issuer metadata (`/.well-known/jwt-vc-issuer`) names the issuer's keys.
  const meta = await call(f, wellKnownUrl(issuer, 'jwt-vc-issuer'), {}, 'issuer key metadata');
  if (meta.issuer !== issuer) throw failed('issuer key metadata is for another issuer');
  const jwks = isJsonObject(meta.jwks) ? meta.jwks : await call(f, checkUrl(meta.jwks_uri, 'jwks_uri'), {}, 'issuer keys');
  // Only real public keys in their canonical encoding (never a small-order Ed25519 point).
  const keys = Array.isArray(jwks.keys) ? (jwks.keys.filter((k) => isRealPublicJwk(k, { torsionFree: true })) as unknown as JWK[]) : [];
  return ({ kid, alg }: { kid: string | undefined; alg: SigningAlg }) => {
    const jwk = keys.find((k) => k.kid === kid && (k.alg === undefined || k.alg === alg));
    return jwk && { jwk, alg };
  };
}

/** The `x5c` header of an SD-JWT VC's issuer-signed JWT, or undefined (a malformed one is the verify step's refusal). */
function x5cOf(credential: string): unknown {
  try {
    return parseCompactJws(parseSdJwt(credential).jwt).header.x5c;
  } catch {
    return undefined;
  }
}

function receivedX5cKey(x5c: unknown, issuer: string, now: number): JWK {
  try {
    return checkReceivedX5c(x5c, issuer, now);
  } catch (e) {
    throw failed(`the credential's issuer certificate (x5c) does not check out: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function checkReceived(
  f: typeof fetch,
  credential: unknown,
  format: string,
  issuer: string,
  key: WalletKey | undefined,
  now: () => Date,
  configuration: JsonObject,
) {
  if (typeof credential !== 'string') throw failed('the issuer sent a credential that is not a string');
  // OpenID4VCI §A.2.4: a base64url IssuerSigned, signed under an X.509 chain (no JWKS involved).
  if (format === 'mso_mdoc') return checkReceivedMdoc(credential, { docType: configuration.doctype, keyKid: key?.kid });
  const clock = { now: () => now().getTime() };
  if (format === 'dc+sd-jwt') {
    // HAIP 1.0 §6.1.1: with x5c the key is the issuer certificate's, which must name the issuer we
    // asked (its chain to a CA is the verifier's check: the wallet keeps what that issuer sent).
    const x5c = x5cOf(credential);
    const resolve =
      x5c === undefined
        ? await issuerKeyResolver(f, issuer)
        : (() => {
            const jwk = receivedX5cKey(x5c, issuer, clock.now());
            return () => ({ jwk, alg: algForJwk(jwk) });
          })();
    const v = await verifySdJwtVc(credential, { resolveIssuerKey: resolve, clock, skewSeconds: 60 });
    if (v.payload.iss !== issuer) throw failed('the credential names another issuer');
    const cnf = isJsonObject(v.payload.cnf) && isJsonObject(v.payload.cnf.jwk) ? (v.payload.cnf.jwk as unknown as JWK) : undefined;
    if (!key || !cnf || (await calculateJwkThumbprint(cnf, 'sha256')) !== key.kid) throw failed('the credential is not bound to our key');
    return {
      kind: String(v.payload.vct),
      expiresAt: typeof v.payload.exp === 'number' ? new Date(v.payload.exp * 1000).toISOString() : null,
    };
  }
  const jws = parseCompactJws(credential);
  await verifyCompactJws(jws, { resolveKey: await issuerKeyResolver(f, issuer) });
  const vcIssuer = jws.payload.issuer;
  if ((isJsonObject(vcIssuer) ? vcIssuer.id : vcIssuer) !== issuer) throw failed('the credential names another issuer');
  const types = Array.isArray(jws.payload.type) ? jws.payload.type.join(',') : String(jws.payload.type);
  return { kind: types, expiresAt: typeof jws.payload.validUntil === 'string' ? jws.payload.validUntil : null };
}

export async function receiveCredentials(
  wallet: Wallet,
  opts: ReceiveOptions,
): Promise<{ wallet: Wallet; received: StoredCredential[]; acknowledge: Acknowledge }> {
  const f = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());

  // §4.1: the offer, by value or by reference.
  const read = readOfferLink(opts.offerLink);
  if (!read.ok) throw badRequest('invalid_offer_link', OFFER_LINK_REFUSALS[read.error]);
  const link = read.link;
  const offer = 'uri' in link ? await call(f, checkUrl(link.uri, 'credential_offer_uri'), {}, 'credential offer') : link.byValue;
  if (!isJsonObject(offer)) throw failed('the credential offer is not a JSON object');
  const issuer = checkUrl(offer.credential_issuer, 'credential_issuer');
  const ids = offer.credential_configuration_ids;
  if (!Array.isArray(ids) || typeof ids[0] !== 'string') throw failed('the offer names no credential configuration');
  const configurationId = ids[0];
  const grant = isJsonObject(offer.grants) ? offer.grants[PRE_AUTHORIZED_GRANT] : undefined;
  if (!isJsonObject(grant) || typeof grant['pre-authorized_code'] !== 'string') throw failed('the offer has no pre-authorized code');
  // §4.1.1: a tx_code object (even empty) means the token request needs the code.
  if (grant.tx_code !== undefined && opts.txCode === undefined) {
    const len = isJsonObject(grant.tx_code) && typeof grant.tx_code.length === 'number' ? ` (${grant.tx_code.length} digits)` : '';
    throw badRequest('tx_code_required', `this offer needs the transaction code the issuer gave you${len}: --tx-code`);
  }

  const { metadata, configuration, format, keyBound, as } = await readIssuerMetadata(f, issuer, configurationId);

  // §6.1: token request, form-encoded, anonymous; DPoP-bound when the server takes it.
  const form = new URLSearchParams({ grant_type: PRE_AUTHORIZED_GRANT, 'pre-authorized_code': grant['pre-authorized_code'] });
  if (opts.txCode !== undefined) form.set('tx_code', opts.txCode);
  const { accessToken, dpop: boundTo } = await requestAccessToken(f, as, form, now);

  // One fresh (or not yet used) key per credential.
  const batch =
    isJsonObject(metadata.batch_credential_issuance) && typeof metadata.batch_credential_issuance.batch_size === 'number'
      ? metadata.batch_credential_issuance.batch_size
      : 1;
  const count = keyBound ? Math.max(1, Math.min(opts.count ?? 1, batch)) : 1;
  const used = new Set(wallet.credentials.map((c) => c.key));
  const keys = wallet.keys.filter((k) => !used.has(k.kid)).slice(0, keyBound ? count : 0);
  while (keyBound && keys.length < count) keys.push(await createWalletKey(now()));

  const request: JsonObject = { credential_configuration_id: configurationId };
  // §7: a c_nonce, then one proof per key (Appendix F.1).
  if (keyBound) request.proofs = await createKeyProofs(f, metadata, issuer, keys, now);
  const credentialEndpoint = checkUrl(metadata.credential_endpoint, 'credential_endpoint');
  // §8.2 / §10: encrypted where the issuer requires it or the wallet asks for encrypted responses.
  const exchange = await planCredentialExchange(metadata, { encryptResponse: opts.encrypt === true });
  const first = await postWithToken(f, boundTo, credentialEndpoint, accessToken, request, 'credential endpoint', exchange);
  // §8.3 / §9: a deferred issuance answers transaction_id; poll until the credentials come.
  // A DPoP-bound token polls (and notifies) with DPoP, by the same key (RFC 9449 §7).
  const response = await awaitDeferred(first, {
    endpoint: metadata.deferred_credential_endpoint,
    accessToken,
    waitSeconds: opts.waitSeconds ?? 0,
    fetch: f,
    dpop: boundTo,
    exchange,
  });
  const list = Array.isArray(response.credentials) ? response.credentials : [];
  if (list.length === 0 || list.length > Math.max(keys.length, 1))
    throw failed('the credential endpoint sent an unexpected number of credentials');

  const received: StoredCredential[] = [];
  for (const [i, item] of list.entries()) {
    const credential = isJsonObject(item) ? item.credential : undefined;
    const key = keyBound ? keys[i] : undefined;
    const { kind, expiresAt } = await checkReceived(f, credential, format, issuer, key, now, configuration);
    received.push({
      id: randomUUID(),
      credential_issuer: issuer,
      credential_configuration_id: configurationId,
      format,
      kind,
      key: key?.kid ?? null,
      credential: credential as string,
      received_at: now().toISOString(),
      expires_at: expiresAt,
    });
  }
  const newKeys = keys.filter((k) => !wallet.keys.some((w) => w.kid === k.kid));
  const notificationId = response.notification_id;
  const notificationEndpoint = metadata.notification_endpoint;
  const acknowledge: Acknowledge = async () =>
    typeof notificationId === 'string' && typeof notificationEndpoint === 'string'
      ? notifyIssuer(
          f,
          checkUrl(notificationEndpoint, 'notification_endpoint'),
          accessToken,
          notificationId,
          'credential_accepted',
          boundTo,
        )
      : false;
  return {
    wallet: { ...wallet, keys: [...wallet.keys, ...newKeys], credentials: [...wallet.credentials, ...received] },
    received,
    acknowledge,
  };
}
