/**
 * Counter QR: the clerk's app gets a nonce for its counter (issue-counter-nonce.ts) and shows it;
 * the holder shows an SD-JWT+KB whose KB-JWT `aud` is this verifier client's counter audience and
 * whose `nonce` is that nonce; the clerk's app posts it here and gets the verdict in one round
 * trip. The pipeline accepts only a nonce issued to this client for the counter, once, and a
 * KB-JWT at most KB_JWT_MAX_AGE_SECONDS old. The answer holds ONLY the claims asked for in
 * `policy.claims`; claim values are not stored, only a receipt with their names.
 */
import { badRequest } from '../errors.js';
import type { JsonObject } from '../formats/jose/types.js';
import type { Catalog, LocalizedText } from '../catalog/types.js';
import { ownFieldError } from '../verdict/field-messages.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { isClaimPathPointer, type ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import { parseClaimPathName } from '../formats/claim-path/claim-path-name.js';
import type { VerificationPolicy } from '../verification/verification-types.js';
import { verifyPresentation } from '../verification/verify-presentation.js';
import type { PresentationDeps } from './presentation-deps.js';
import { recordReceipt, credentialTypeName } from './record-receipt.js';
import { counterAudience } from './verifier-identity.js';

export interface CounterPolicyInput {
  types?: string[];
  issuers?: string[];
  /** Claim paths: a pointer array (OpenID4VP §7) or its dotted name (`address.locality`, `nationalities[1]`). */
  claims?: (string | ClaimPathPointer)[];
  require_holder_binding?: boolean;
}

/**
 * A catalogue id's spelling (schemas/credential-type.schema.json `id`) with at least one hyphen, as
 * every shipped id has: a single lowercase word (`pid`, `mdl`) may be another issuer's vct.
 */
const CATALOGUE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

/**
 * The counter's policy. Refused before anything is verified (so the holder's one-time QR is not
 * used up by the clerk's typo): a type spelt as a catalogue id that the catalogue does not hold
 * (`driver-licence`), which no credential could ever match, and a claim that is no claim path.
 * A vct (a URI) or a VC type term may name another issuer's type and is taken as it is.
 */
export function toPolicy(input: CounterPolicyInput | undefined, client: ApiClient, catalog: Catalog): VerificationPolicy {
  const policy: VerificationPolicy = {};
  input?.types?.forEach((t, i) => {
    if (CATALOGUE_ID.test(t) && !catalog.get(t))
      throw badRequest(
        'invalid_policy',
        `${t} is not a credential type of the catalogue (GET /v1/credential-types lists them); a vct is a URI`,
        {
          errors: [ownFieldError(`/policy/types/${i}`, 'unknownType')],
        },
        `정책의 증명서 종류(policy.types)에 적은 ${t}: 증명서 종류 목록에 없는 종류입니다. 다른 발급기관의 종류(vct)라면 URI로 적으십시오.`,
      );
  });
  // An empty list would accept no credential at all: a clerk's mistake, said before the QR is used.
  for (const list of ['types', 'issuers'] as const) {
    if (input?.[list]?.length === 0)
      throw badRequest(
        'invalid_policy',
        `policy.${list} is empty, so no credential could pass; leave it out to accept any`,
        { errors: [ownFieldError(`/policy/${list}`, 'emptyList')] },
        `정책의 ${list === 'types' ? '증명서 종류' : '발급기관'} 목록(policy.${list})이 비어 있어 어떤 증명서도 통과할 수 없습니다. 모두 받으려면 이 항목을 빼십시오.`,
      );
  }
  if (input?.types) policy.types = input.types;
  if (client.types !== null) {
    // A verifier client limited to some types accepts only those.
    policy.types = (policy.types ?? client.types).filter((t) => client.types!.includes(t));
    if (policy.types.length === 0)
      throw badRequest(
        'invalid_policy',
        `this client may verify only ${client.types.join(', ')}; policy.types names none of them`,
        { errors: [ownFieldError('/policy/types', 'outsideClientTypes')] },
        `이 클라이언트는 ${client.types.join(', ')}만 검증할 수 있는데, 정책의 증명서 종류(policy.types)에 그중 하나도 없습니다.`,
      );
  }
  if (input?.issuers) policy.issuers = input.issuers;
  if (input?.require_holder_binding === false) policy.requireHolderBinding = false;
  policy.claims = (input?.claims ?? []).map((c, i) => {
    const pointer = typeof c === 'string' ? parseClaimPathName(c) : c;
    if (isClaimPathPointer(pointer)) return pointer;
    throw badRequest('invalid_policy', 'a claim is a dotted path or a claims path pointer', {
      errors: [ownFieldError(`/policy/claims/${i}`, 'notClaimPath')],
    });
  });
  return policy;
}

/**
 * The other QRs of these flows, which a scanner hands over as readily as a presentation. Told for
 * what they are before anything is verified (they would be `jws_malformed`, "cannot be read"),
 * with what to do with them instead.
 */
const OTHER_QRS: readonly { scheme: RegExp; en: string; ko: string }[] = [
  {
    scheme: /^dproof-engage:/i,
    en: "this is the holder's engagement QR, not a presentation: send the counter's request to it (POST /v1/verifier/engagements)",
    ko: '소지자 지갑의 연결 QR입니다. 제시된 증명서가 아니므로, 이 QR로 지갑에 제출 요청을 보내십시오(POST /v1/verifier/engagements).',
  },
  {
    scheme: /^dproof-counter:/i,
    en: "this is the counter's own challenge QR: let the holder's wallet scan it, then read the QR the wallet shows",
    ko: '창구가 보여 주는 QR입니다. 소지자의 지갑으로 이 QR을 스캔하게 한 뒤, 지갑이 보여 주는 QR을 읽으십시오.',
  },
  {
    scheme: /^openid-credential-offer:/i,
    en: 'this is a credential offer (an issuing QR), not a presentation',
    ko: '증명서 발급 QR입니다. 소지자가 제시한 증명서가 아닙니다.',
  },
  {
    scheme: /^(?:openid4vp|haip|mdoc-openid4vp|eudi-openid4vp):/i,
    en: "this is a presentation request (what a verifier shows), not the holder's presentation",
    ko: '검증기관이 보여 주는 제출 요청 QR입니다. 소지자가 제시한 증명서가 아닙니다.',
  },
];

export async function verifyCounterPresentation(
  deps: PresentationDeps,
  client: ApiClient,
  input: { presentation: string; policy?: CounterPolicyInput; purpose?: LocalizedText },
): Promise<JsonObject> {
  const other = OTHER_QRS.find((q) => q.scheme.test(input.presentation.trimStart()));
  if (other) throw badRequest('not_a_presentation', other.en, undefined, other.ko);
  const report = await verifyPresentation(
    {
      presentation: input.presentation,
      policy: toPolicy(input.policy, client, deps.catalog),
      kb: {
        aud: counterAudience(deps.config.publicUrl, client.id),
        counterClientId: client.id,
        maxAgeSeconds: deps.config.kbJwtMaxAgeSeconds,
      },
    },
    deps.verification,
  );
  const receipt = await recordReceipt(deps, client, { channel: 'counter', purpose: input.purpose ?? null, report });
  const out: JsonObject = {
    verdict: report.verdict,
    code: report.code,
    message: { ...report.message },
    checks: report.checks.map((c) => ({ ...c })),
    credential: report.credential ? { ...report.credential, type: credentialTypeName(deps.catalog, deps.config.publicUrl, report) } : null,
    receipt: receipt.jwt,
  };
  if (report.claims) out.claims = report.claims;
  return out;
}
