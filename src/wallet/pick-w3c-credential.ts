/**
 * The holder's answer to a `jwt_vc_json` credential query (OpenID4VP 1.0 Annex B.1): a held
 * VC-JWT whose `type` holds every value of one `meta.type_values` set and that holds the asked
 * claims (paths from the root of the credential, Annex B.1.2). A VC-JWT cannot disclose
 * selectively: the presentation is the credential itself, whole. Our VC-JWTs carry no holder
 * key, so a query requiring holder binding cannot be answered (Annex B.1: it would need a VP
 * bound to a key the credential names).
 */
import type { ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import { matchClaimsQuery } from '../formats/claim-path/match-claims-query.js';
import type { AskedClaims } from '../formats/claim-path/read-claims-query.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { answersTrustedAuthorities } from '../holder/read-trusted-authorities.js';
import { failed } from './wallet-http.js';
import type { StoredCredential, Wallet } from './wallet-file.js';

const fail = (message: string) => failed(message, 'present_failed');

/** The format a wallet stores a received VC-JWT under (the issuer metadata's), and ours. */
const W3C_JWT_FORMATS = new Set(['jwt_vc_json', 'vc+jwt']);

function readTypeValues(query: JsonObject): string[][] {
  const values = isJsonObject(query.meta) ? query.meta.type_values : undefined;
  if (!Array.isArray(values) || !values.every((s) => Array.isArray(s) && s.every((t) => typeof t === 'string')))
    throw fail(`query ${String(query.id)}: meta.type_values is not an array of type arrays`);
  return values as string[][];
}

export function pickW3cCredential(
  wallet: Wallet,
  query: JsonObject,
  asked: AskedClaims,
  now: Date,
): { cred: StoredCredential; pointers: ClaimPathPointer[]; carried: string[] } {
  if (query.require_cryptographic_holder_binding !== false)
    throw fail(`query ${String(query.id)} requires holder binding, which a VC-JWT of this wallet cannot give`);
  const typeValues = readTypeValues(query);
  // §6.1.1.1: a VC-JWT carries no X.509 chain, so it answers no `trusted_authorities` (aki).
  if (!answersTrustedAuthorities(query, () => undefined))
    throw fail(`no credential in this wallet answers the verifier's query "${String(query.id)}": a VC-JWT names no trusted authority`);
  for (const cred of wallet.credentials) {
    if (!W3C_JWT_FORMATS.has(cred.format) || (cred.expires_at !== null && new Date(cred.expires_at) <= now)) continue;
    const vc = parseCompactJws(cred.credential).payload;
    const types = new Set(([] as unknown[]).concat(vc.type ?? []));
    if (!typeValues.some((set) => set.every((t) => types.has(t)))) continue;
    const match = matchClaimsQuery(vc, asked.claims, asked.claimSets);
    if (!match.ok) continue;
    const subject = isJsonObject(vc.credentialSubject) ? vc.credentialSubject : {};
    return { cred, pointers: match.chosen.map((i) => asked.claims[i]!.path), carried: Object.keys(subject) };
  }
  throw fail(
    `no credential in this wallet answers the verifier's query "${String(query.id)}": no VC-JWT of its type_values holds the asked claims`,
  );
}
