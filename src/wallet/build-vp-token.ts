/**
 * The holder's answer to a DCQL query (OpenID4VP 1.0 §6, §8.1), whatever carries it (direct_post
 * in present-to-verifier.ts, the Digital Credentials API in answer-dc-api-request.ts): per
 * credential query, the first held credential that answers it, and its presentation —
 * an SD-JWT with only the chosen disclosures and a KB-JWT over the nonce and `aud`, or for
 * `mso_mdoc` a DeviceResponse signed over the request's SessionTranscript (Annex B.2.6.1 by
 * redirect, B.2.6.2 over the DC API), or for `jwt_vc_json` the VC-JWT itself, whole (Annex B.1,
 * pick-w3c-credential.ts). vp_token is keyed by query id (§8.1).
 */
import { calculateJwkThumbprint } from 'jose';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import type { ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import { toClaimPathName } from '../formats/claim-path/claim-path-name.js';
import { matchClaimsQuery } from '../formats/claim-path/match-claims-query.js';
import { readClaimsQuery, type AskedClaims } from '../formats/claim-path/read-claims-query.js';
import type { DcApiHandoverInput, RedirectHandoverInput } from '../formats/mdoc/build-device-authentication.js';
import { answersTrustedAuthorities } from '../holder/read-trusted-authorities.js';
import { readResponseEncryption, type ResponseEncryption } from '../holder/encrypt-response.js';
import { createHolderPresentation } from './create-holder-presentation.js';
import { createMdocPresentation, readHeldMdocClaims } from './create-mdoc-presentation.js';
import { holderSignerFromJwk } from './holder-key.js';
import { readHeldClaims } from './read-held-claims.js';
import { readCredentialAuthorityKeyIds } from './read-credential-authority-keys.js';
import { failed } from './wallet-http.js';
import { pickW3cCredential } from './pick-w3c-credential.js';
import type { StoredCredential, Wallet } from './wallet-file.js';

const fail = (message: string) => failed(message, 'present_failed');

/** What a presentation is bound to: the KB-JWT's `aud` and nonce, and an mdoc's handover (without the nonce). */
export interface PresentationBinding {
  nonce: string;
  /** The verifier's client_id (redirect), or `origin:<origin>` over the DC API (A.4). */
  aud: string;
  mdocHandover: Omit<RedirectHandoverInput, 'nonce'> | Omit<DcApiHandoverInput, 'nonce'>;
}

export interface VpTokenResult {
  vpToken: Record<string, string[]>;
  disclosed: Record<string, { credential: string; claims: string[] }>;
}

/** The query's claims as pointers, or a refusal naming what is malformed. */
function readAskedClaims(q: JsonObject): AskedClaims {
  const r = readClaimsQuery(q);
  if (!r.ok) throw fail(`query ${String(q.id)}: ${r.error}`);
  return r.asked;
}

/**
 * The DCQL credential queries of a request, or a refusal when it asks for none (`refuse`: whose
 * fault it is; by default a verifier's request object, present_failed).
 */
export function readCredentialQueries(req: JsonObject, refuse: (message: string) => Error = fail): JsonObject[] {
  const queries =
    isJsonObject(req.dcql_query) && Array.isArray(req.dcql_query.credentials) ? (req.dcql_query.credentials as JsonObject[]) : [];
  if (queries.length === 0) throw refuse('the request asks for no credential');
  return queries;
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
export function responseEncryption(clientMetadata: unknown, refuse: (message: string) => Error = fail): ResponseEncryption {
  const read = readResponseEncryption(clientMetadata);
  if (read.ok) return read.encryption;
  throw refuse(
    {
      no_key: 'the verifier asked for an encrypted response but offers no P-256 ECDH-ES key in client_metadata.jwks',
      bad_key: "the verifier's encryption key is not a P-256 public key on the curve",
      no_enc: 'the verifier offers no content encryption this wallet supports (A128GCM, A256GCM)',
    }[read.error],
  );
}

/** Annex B.2.6.1 / B.2.6.2: an encrypted answer's mdoc SessionTranscript names the key it is encrypted to. */
export const encryptionThumbprint = async (encryption: ResponseEncryption | undefined): Promise<Uint8Array | undefined> =>
  encryption && Buffer.from(await calculateJwkThumbprint(encryption.jwk, 'sha256'), 'base64url');

export async function buildVpToken(
  wallet: Wallet,
  queries: readonly JsonObject[],
  binding: PresentationBinding,
  opts: { disclose?: string[]; now: Date },
): Promise<VpTokenResult> {
  const vpToken: Record<string, string[]> = {};
  const disclosed: VpTokenResult['disclosed'] = {};
  for (const q of queries) {
    if (q.format === 'jwt_vc_json' && typeof q.id === 'string') {
      // Nothing to sign: the credential is sent whole, and `disclosed` says so (every subject claim).
      const { cred, carried } = pickW3cCredential(wallet, q, readAskedClaims(q), opts.now);
      vpToken[q.id] = [cred.credential];
      disclosed[q.id] = { credential: cred.id, claims: carried };
      continue;
    }
    if ((q.format !== 'dc+sd-jwt' && q.format !== 'mso_mdoc') || typeof q.id !== 'string')
      throw fail(`unsupported credential query ${String(q.id)} (${String(q.format)})`);
    const { cred, pointers } = pickCredential(wallet, q, readAskedClaims(q), opts.now);
    const claims = opts.disclose ?? pointers.map(toClaimPathName);
    const key = wallet.keys.find((k) => k.kid === cred.key);
    if (!key) throw fail(`the key of credential ${cred.id} is not in this wallet`);
    const holder = await holderSignerFromJwk(key.jwk);
    if ((await calculateJwkThumbprint(holder.publicJwk, 'sha256')) !== cred.key) throw fail('wallet key does not match its credential');
    // An mdoc discloses exactly the pointers the query asks ([namespace, element]); its holder
    // proof is a DeviceSignature over the OpenID4VP SessionTranscript.
    const presentation =
      q.format === 'mso_mdoc'
        ? createMdocPresentation({
            issuerSigned: cred.credential,
            disclose: pointers,
            deviceJwk: key.jwk,
            handover: { ...binding.mdocHandover, nonce: binding.nonce },
          })
        : (
            await createHolderPresentation({
              credential: cred.credential,
              disclose: opts.disclose ?? pointers,
              holderSigner: holder.signer,
              aud: binding.aud,
              nonce: binding.nonce,
              iat: Math.floor(opts.now.getTime() / 1000),
            })
          ).presentation;
    vpToken[q.id] = [presentation];
    disclosed[q.id] = { credential: cred.id, claims };
  }
  return { vpToken, disclosed };
}
