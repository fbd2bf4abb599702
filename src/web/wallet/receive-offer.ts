/**
 * OpenID4VCI 1.0, Pre-Authorized Code Flow, run by the browser wallet — the same steps as the
 * CLI wallet (src/wallet/receive-credentials.ts), with a WebCrypto key instead of a key file:
 * offer (§4.1) → Credential Issuer Metadata (§12.2) → Authorization Server Metadata (§12.3,
 * RFC 8414) → token (§6, tx_code when the offer asks) → nonce (§7) → one `jwt` key proof
 * (Appendix F.1) → credential (§8). The credential is kept only after its issuer signature
 * verifies against the issuer's published keys, `iss` is the issuer, and `cnf` is our key.
 * The page's CSP allows connections to its own origin only, so this wallet takes offers from
 * the service that serves it.
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import { isRealPublicJwk } from '../../formats/jose/check-public-jwk.js';
import { readOfferLink } from '../../holder/read-offer-link.js';
import { wellKnownUrl } from '../../holder/well-known-url.js';
import { callApi } from '../shared/api.js';
import { t, tx, type Text } from '../shared/i18n.js';
import { createHolderKey, signJws, thumbprint } from './holder-key.js';
import { callWithDpop, startDpop, type DpopSession } from './dpop.js';
import { checkReceivedMdoc, MdocError, MSO_MDOC } from './mdoc.js';
import { decodeSdJwt, SdJwtUnreadable, type DecodedSdJwt } from './sd-jwt.js';
import { deleteKey, putCredential, type StoredCredential } from './wallet-db.js';

const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class WalletError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Only this origin: the CSP would block anything else, and we say so in words first. `invalidKo` is
 * the Korean for an address that is no URL (by default one the service sent; a pasted link's own
 * address says the link is bad).
 */
export function sameOrigin(raw: unknown, what: string, invalidKo = '서비스가 보낸 주소가 올바르지 않습니다.'): string {
  let u: URL;
  try {
    u = new URL(String(raw));
  } catch {
    throw new WalletError('bad_link', t(invalidKo, `${what} is not a valid URL.`));
  }
  if (u.origin !== location.origin) {
    throw new WalletError(
      'other_origin',
      t(
        `이 지갑은 이 서비스(${location.origin})와만 통신합니다: ${u.origin}`,
        `This wallet talks only to this service (${location.origin}), not ${u.origin}.`,
      ),
    );
  }
  return u.href;
}

const BAD_OFFER_LINK: Text = { ko: '발급 링크가 올바르지 않습니다.', en: 'The offer link is not valid.' };

export interface ParsedOffer {
  offer: Obj;
  issuer: string;
  configurationId: string;
  code: string;
  /** The offer asks for a transaction code (§4.1.1); its length when given. */
  txCode?: { length?: number; description?: string };
}

/** §4.1: `openid-credential-offer://?credential_offer_uri=…` (or `credential_offer=` by value). */
export async function readOffer(link: string): Promise<ParsedOffer> {
  const read = readOfferLink(link);
  if (!read.ok && read.error === 'not_a_link') {
    throw new WalletError(
      'bad_link',
      t('발급 링크가 아닙니다 (openid-credential-offer://…).', 'This is not an offer link (openid-credential-offer://…).'),
    );
  }
  if (!read.ok) throw new WalletError('bad_link', tx(BAD_OFFER_LINK));
  const offer =
    'uri' in read.link ? await callApi<unknown>(sameOrigin(read.link.uri, 'credential_offer_uri', BAD_OFFER_LINK.ko)) : read.link.byValue;
  if (!isObj(offer))
    throw new WalletError(
      'bad_offer',
      t('발급 제안의 내용을 읽을 수 없습니다. 발급기관에 새 발급 QR을 요청하십시오.', 'the credential offer is not a JSON object'),
    );
  sameOrigin(offer.credential_issuer, 'credential_issuer');
  const ids = offer.credential_configuration_ids;
  if (!Array.isArray(ids) || typeof ids[0] !== 'string')
    throw new WalletError(
      'bad_offer',
      t(
        '발급 제안에 어떤 증명서를 발급하는지 적혀 있지 않습니다. 발급기관에 새 발급 QR을 요청하십시오.',
        'the offer names no credential configuration',
      ),
    );
  const grant = isObj(offer.grants) ? offer.grants[PRE_AUTHORIZED_GRANT] : undefined;
  if (!isObj(grant) || typeof grant['pre-authorized_code'] !== 'string')
    throw new WalletError(
      'bad_offer',
      t(
        '이 발급 제안에는 증명서를 받는 데 필요한 발급 코드가 없습니다. 발급기관에 새 발급 QR을 요청하십시오.',
        'the offer has no pre-authorized code',
      ),
    );
  const parsed: ParsedOffer = {
    offer,
    issuer: String(offer.credential_issuer),
    configurationId: ids[0],
    code: grant['pre-authorized_code'],
  };
  if (grant.tx_code !== undefined) {
    const tc = isObj(grant.tx_code) ? grant.tx_code : {};
    parsed.txCode = {
      ...(typeof tc.length === 'number' && { length: tc.length }),
      ...(typeof tc.description === 'string' && { description: tc.description }),
    };
  }
  return parsed;
}

async function issuerKeys(issuer: string): Promise<JWK[]> {
  // SD-JWT VC issuer metadata (/.well-known/jwt-vc-issuer) names the issuer's keys.
  const meta = await callApi<Obj>(wellKnownUrl(issuer, 'jwt-vc-issuer'));
  if (meta.issuer !== issuer)
    throw new WalletError(
      'bad_issuer',
      t(
        '발급기관이 공개한 키 정보가 다른 발급기관의 것입니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
        'issuer key metadata is for another issuer',
      ),
    );
  const jwks = isObj(meta.jwks) ? meta.jwks : await callApi<Obj>(sameOrigin(meta.jwks_uri, 'jwks_uri'));
  // Only real public keys (never a small-order Ed25519 point, under which anyone could sign).
  return Array.isArray(jwks.keys) ? (jwks.keys.filter((k) => isRealPublicJwk(k, { torsionFree: true })) as JWK[]) : [];
}

/**
 * The whole SD-JWT read as every load of the wallet reads it (sd-jwt.ts, RFC 9901 §4 and §7.1
 * steps 3–5), before anything is kept: a credential the wallet would keep and then never read
 * again (no `~`, a Disclosure that does not parse, one its signed digests do not reference) is
 * refused here, told in the page's language (not jose's or JSON's English).
 */
async function readSdJwt(credential: string): Promise<DecodedSdJwt> {
  try {
    return await decodeSdJwt(credential);
  } catch (err) {
    if (!(err instanceof SdJwtUnreadable)) throw err;
    throw err.fault === 'form'
      ? new WalletError(
          'bad_credential',
          t(
            '발급기관이 보낸 증명서의 형식이 올바르지 않아 읽을 수 없습니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
            'the credential the issuer sent is not an SD-JWT (<JWT>~<Disclosures>~)',
          ),
        )
      : new WalletError(
          'bad_credential',
          t(
            '발급기관이 보낸 증명서에 읽을 수 없거나 발급기관의 서명에 포함되지 않은 항목이 있습니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
            'the credential the issuer sent has a Disclosure that does not parse or that its signed digests do not reference exactly once',
          ),
        );
  }
}

async function checkCredential(credential: unknown, issuer: string, kid: string): Promise<{ vct: string; exp: number | null }> {
  if (typeof credential !== 'string')
    throw new WalletError(
      'bad_credential',
      t('발급기관이 증명서를 보내지 않았습니다. 발급기관에 문의하십시오.', 'the issuer sent no credential'),
    );
  const { jwt, header, payload } = await readSdJwt(credential);
  // SD-JWT VC §3.2.1: typ dc+sd-jwt; only the algorithms we accept (no none, no HS*).
  if (header.typ !== 'dc+sd-jwt' || (header.alg !== 'ES256' && header.alg !== 'EdDSA'))
    throw new WalletError(
      'bad_credential',
      t(
        '발급기관이 보낸 증명서가 이 지갑이 받는 형식이나 서명 방식이 아닙니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
        'unexpected credential type or algorithm',
      ),
    );
  const jwk = (await issuerKeys(issuer)).find((k) => k.kid === header.kid);
  if (!jwk)
    throw new WalletError(
      'bad_credential',
      t(
        '발급기관이 공개하지 않은 키로 서명된 증명서입니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
        'the credential is signed with a key the issuer does not publish',
      ),
    );
  const key = await importJWK(jwk, header.alg === 'EdDSA' ? 'Ed25519' : 'ES256');
  await compactVerify(jwt, key).catch(() => {
    throw new WalletError(
      'bad_credential',
      t('발급기관 서명이 맞지 않습니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.', 'The issuer signature does not verify.'),
    );
  });
  if (payload.iss !== issuer)
    throw new WalletError(
      'bad_credential',
      t(
        '증명서에 적힌 발급기관이 발급 제안을 보낸 발급기관과 다릅니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
        'the credential names another issuer',
      ),
    );
  const cnf = isObj(payload.cnf) && isObj(payload.cnf.jwk) ? (payload.cnf.jwk as JsonWebKey) : undefined;
  if (!cnf || (await thumbprint(cnf)) !== kid)
    throw new WalletError(
      'bad_credential',
      t(
        '발급기관이 보낸 증명서가 이 지갑의 키에 묶여 있지 않습니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.',
        'the credential is not bound to our key',
      ),
    );
  return { vct: String(payload.vct), exp: typeof payload.exp === 'number' ? payload.exp : null };
}

/** An mdoc as the wallet keeps it: its docType in place of a vct, its MSO validUntil as the expiry. */
async function checkMdoc(credential: unknown, docType: unknown, kid: string): Promise<{ vct: string; exp: number | null }> {
  try {
    const mdoc = await checkReceivedMdoc(credential, { docType, kid });
    return { vct: mdoc.docType, exp: Math.floor(mdoc.validUntil.getTime() / 1000) };
  } catch (err) {
    if (!(err instanceof MdocError)) throw err;
    throw new WalletError(
      'bad_credential',
      t(
        `${err.message} 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.`,
        `The mdoc the issuer sent does not check out (${err.message}).`,
      ),
    );
  }
}

/** Runs the flow and stores the credential; returns it. */
export async function receiveCredential(parsed: ParsedOffer, txCode: string | undefined): Promise<StoredCredential> {
  const { issuer, configurationId } = parsed;
  if (parsed.txCode && !txCode)
    throw new WalletError(
      'tx_code_required',
      t('발급기관이 알려 준 거래 코드를 입력하십시오.', 'Enter the transaction code the issuer gave you.'),
    );

  // §12.2.2 / §12.2.4: metadata whose credential_issuer equals the offer's exactly.
  const metadata = await callApi<Obj>(wellKnownUrl(issuer, 'openid-credential-issuer'));
  if (metadata.credential_issuer !== issuer)
    throw new WalletError(
      'bad_issuer',
      t('발급기관 정보가 발급 제안에 적힌 발급기관의 것이 아닙니다. 발급기관에 문의하십시오.', 'the issuer metadata is for another issuer'),
    );
  const configuration = isObj(metadata.credential_configurations_supported)
    ? metadata.credential_configurations_supported[configurationId]
    : undefined;
  if (!isObj(configuration))
    throw new WalletError(
      'bad_offer',
      t(
        '발급 제안에 적힌 증명서를 이 발급기관이 발급하지 않습니다. 발급기관에 새 발급 QR을 요청하십시오.',
        `the issuer does not describe ${configurationId}`,
      ),
    );
  // SD-JWT VC, or an ISO mdoc (OpenID4VCI Appendix A.2: `mso_mdoc` with its `doctype`).
  const format = configuration.format;
  if (format !== 'dc+sd-jwt' && format !== MSO_MDOC)
    throw new WalletError(
      'unsupported_format',
      t('이 지갑은 SD-JWT VC 증명서와 ISO 규격 모바일 신분증만 보관합니다.', 'This wallet keeps SD-JWT VCs and mdocs only.'),
    );

  // §12.2.4 authorization_servers (absent: the issuer is its own), RFC 8414 §3.3.
  const servers = metadata.authorization_servers;
  const asId = Array.isArray(servers) && typeof servers[0] === 'string' ? servers[0] : issuer;
  const as = await callApi<Obj>(wellKnownUrl(asId, 'oauth-authorization-server'));
  if (as.issuer !== asId)
    throw new WalletError(
      'bad_issuer',
      t(
        '발급기관이 안내한 인가 서버의 정보가 다른 서버의 것입니다. 발급기관에 문의하십시오.',
        'the authorization server metadata is for another server',
      ),
    );

  // §6.1: token request, form-encoded.
  const form: Record<string, string> = { grant_type: PRE_AUTHORIZED_GRANT, 'pre-authorized_code': parsed.code };
  if (txCode) form.tx_code = txCode;
  // RFC 9449: when the server takes DPoP (ES256), the token is bound to a non-extractable key of this issuance.
  const algs = as.dpop_signing_alg_values_supported;
  const dpop: DpopSession | undefined = Array.isArray(algs) && algs.includes('ES256') ? await startDpop() : undefined;
  const tokenUrl = sameOrigin(as.token_endpoint, 'token_endpoint');
  const token = dpop ? await callWithDpop<Obj>(dpop, tokenUrl, { form }) : await callApi<Obj>(tokenUrl, { form });
  if (typeof token.access_token !== 'string')
    throw new WalletError(
      'bad_token',
      t(
        '발급기관이 접근 토큰을 보내지 않아 증명서를 받을 수 없습니다. 발급기관에 문의하십시오.',
        'the token endpoint sent no access token',
      ),
    );
  const accessToken = token.access_token;
  const bound = dpop !== undefined && String(token.token_type).toLowerCase() === 'dpop';

  // §7 + Appendix F.1: a c_nonce, then one proof signed by a fresh non-extractable key.
  const nonce = await callApi<Obj>(sameOrigin(metadata.nonce_endpoint, 'nonce_endpoint'), { method: 'POST' });
  if (typeof nonce.c_nonce !== 'string')
    throw new WalletError(
      'bad_nonce',
      t(
        '발급기관이 지갑의 키를 확인하는 데 필요한 값을 보내지 않아 증명서를 받을 수 없습니다. 발급기관에 문의하십시오.',
        'the nonce endpoint sent no c_nonce',
      ),
    );
  const key = await createHolderKey();
  try {
    const proof = await signJws(
      { typ: 'openid4vci-proof+jwt', jwk: key.publicJwk },
      { aud: issuer, iat: Math.floor(Date.now() / 1000), nonce: nonce.c_nonce },
      key.privateKey,
    );
    const credentialUrl = sameOrigin(metadata.credential_endpoint, 'credential_endpoint');
    const json = { credential_configuration_id: configurationId, proofs: { jwt: [proof] } };
    // RFC 9449 §7.1: a DPoP-bound token goes with the DPoP scheme and a proof carrying `ath`.
    const response = bound
      ? await callWithDpop<Obj>(dpop, credentialUrl, { json }, accessToken)
      : await callApi<Obj>(credentialUrl, { json, bearer: accessToken });
    const first = Array.isArray(response.credentials) ? response.credentials[0] : undefined;
    const credential = isObj(first) ? first.credential : undefined;
    const { vct, exp } =
      format === MSO_MDOC
        ? await checkMdoc(credential, configuration.doctype, key.kid)
        : await checkCredential(credential, issuer, key.kid);
    const stored: StoredCredential = {
      id: crypto.randomUUID(),
      credential: credential as string,
      format,
      issuer,
      vct,
      configuration_id: configurationId,
      key: key.kid,
      received_at: new Date().toISOString(),
      expires_at: exp === null ? null : new Date(exp * 1000).toISOString(),
    };
    await putCredential(stored);
    return stored;
  } catch (err) {
    await deleteKey(key.kid).catch(() => undefined); // a key that binds nothing is not kept
    throw err;
  }
}
