/**
 * DCQL (OpenID4VP 1.0 §6) as far as this verifier answers it: SD-JWT VC credential queries
 * (`format: dc+sd-jwt`, `meta.vct_values`), ISO mdoc queries (`format: mso_mdoc`,
 * `meta.doctype_value`, claims `[namespace, element]` with optional `intent_to_retain`, Annex
 * B.2.3), claims with path pointers (§7) and optional
 * `values`, `claim_sets`, `credential_sets`, `multiple`, `require_cryptographic_holder_binding`.
 * Unknown properties are ignored (§6: "Implementations MUST ignore any unknown properties");
 * `trusted_authorities` of type `aki` is applied to mso_mdoc and dc+sd-jwt queries (§6.1.1.1).
 * W3C VCs (`format: jwt_vc_json`, Annex B.1): `meta.type_values`, claims paths from the root of
 * the credential (`["credentialSubject", …]`); see parse-w3c-vc-query.ts.
 */
import { badRequest } from '../errors.js';
import type { Catalog } from '../catalog/types.js';
import { escapePointerToken } from '../catalog/describe-ajv-errors.js';
import { fieldError } from '../verdict/field-messages.js';
import { hasUnsafeCharacters } from '../verdict/unsafe-text.js';
import { findString } from '../formats/jose/json-values.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { isClaimPathPointer, type ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import type { VerificationPolicy } from '../verification/verification-types.js';
import { JWT_VC_JSON, parseTypeValues, requireNoHolderBinding, w3cTypesAllowed } from './parse-w3c-vc-query.js';

export interface ClaimQuery {
  id?: string;
  path: ClaimPathPointer;
  values?: (string | number | boolean)[];
  /** mso_mdoc (Annex B.2.3): ISO 18013-5 IntentToRetain; unset = no statement. */
  intentToRetain?: boolean;
}

export interface CredentialQuery {
  id: string;
  format: 'dc+sd-jwt' | 'mso_mdoc' | typeof JWT_VC_JSON;
  multiple: boolean;
  /** `meta.vct_values` (SD-JWT VC) or the one `meta.doctype_value` (mdoc); empty for jwt_vc_json. */
  vctValues: string[];
  /** jwt_vc_json (Annex B.1.1): `meta.type_values`, alternatives of type sets. */
  typeValues?: string[][];
  claims?: ClaimQuery[];
  claimSets?: string[][];
  requireHolderBinding: boolean;
  /** `trusted_authorities` of type `aki` (§6.1.1.1): base64url KeyIdentifiers, one must match. */
  trustedAuthorityKeyIds?: string[];
}

export interface CredentialSetQuery {
  options: string[][];
  required: boolean;
}

export interface DcqlQuery {
  credentials: CredentialQuery[];
  credentialSets?: CredentialSetQuery[];
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CREDENTIALS = 8;
const MAX_CLAIMS = 64;

/** A refusal of the query at `pointer`, saying what is wrong in English and, for a reader of Korean, in Korean. */
export const bad = (message: string, ko: string, pointer: string) =>
  badRequest('invalid_dcql_query', message, { errors: [fieldError(`/dcql_query${pointer}`, message, ko)] });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ISO 18013-5 doctypes and namespaces are reverse-domain names (§7.1); we take printable ASCII. */
const MDOC_NAME = /^[\x21-\x7e]{1,200}$/;

function parseClaims(raw: unknown, at: string, mdoc = false): ClaimQuery[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_CLAIMS)
    throw bad('claims must be a non-empty array', '항목 질의(claims)는 비어 있지 않은 배열이어야 합니다.', at);
  const ids = new Set<string>();
  const paths = new Set<string>();
  return raw.map((c, i) => {
    if (!isObj(c)) throw bad('a claims query is an object', '항목 질의는 객체여야 합니다.', `${at}/${i}`);
    if (!isClaimPathPointer(c.path))
      throw bad('path must be a claims path pointer (§7)', '경로(path)는 항목 경로 포인터여야 합니다.', `${at}/${i}/path`);
    // §6.1: the same claim MUST NOT be pointed at twice.
    const key = JSON.stringify(c.path);
    if (paths.has(key)) throw bad('the same claim is asked for twice', '같은 항목을 두 번 요청했습니다.', `${at}/${i}/path`);
    paths.add(key);
    // Annex B.2.3: an mdoc claim is exactly [namespace, data element identifier].
    if (mdoc && (c.path.length !== 2 || !c.path.every((x) => typeof x === 'string' && MDOC_NAME.test(x))))
      throw bad(
        'an mso_mdoc claim path is [namespace, element]',
        'mdoc(mso_mdoc) 증명서의 항목 경로는 [네임스페이스, 데이터 요소] 형태여야 합니다.',
        `${at}/${i}/path`,
      );
    const q: ClaimQuery = { path: c.path };
    if (c.intent_to_retain !== undefined) {
      if (!mdoc || typeof c.intent_to_retain !== 'boolean')
        throw bad(
          'intent_to_retain is a boolean of an mso_mdoc claim',
          '보관 의사(intent_to_retain)는 mdoc(mso_mdoc) 증명서의 항목에만 쓸 수 있는 참·거짓 값입니다.',
          `${at}/${i}/intent_to_retain`,
        );
      q.intentToRetain = c.intent_to_retain;
    }
    if (c.id !== undefined) {
      if (typeof c.id !== 'string' || !ID.test(c.id) || ids.has(c.id))
        throw bad(
          'claim id must be unique and [A-Za-z0-9_-]',
          '항목 식별자(id)는 겹치지 않아야 하고 영문자, 숫자, _, -로만 써야 합니다.',
          `${at}/${i}/id`,
        );
      ids.add(c.id);
      q.id = c.id;
    }
    if (c.values !== undefined) {
      // §6.3: "A non-empty array of strings, integers or boolean values".
      if (
        !Array.isArray(c.values) ||
        c.values.length === 0 ||
        !c.values.every((v) => typeof v === 'string' || typeof v === 'boolean' || Number.isSafeInteger(v))
      ) {
        throw bad(
          'values must be a non-empty array of strings, integers or booleans',
          '값 목록(values)은 문자열, 정수, 참·거짓 값으로 된 비어 있지 않은 배열이어야 합니다.',
          `${at}/${i}/values`,
        );
      }
      q.values = c.values as (string | number | boolean)[];
    }
    return q;
  });
}

/** A KeyIdentifier (RFC 5280 §4.2.1.1) in base64url: non-empty, at most 64 bytes. */
const KEY_ID = /^[A-Za-z0-9_-]{2,86}$/;
const MAX_AUTHORITIES = 32;

/**
 * §6.1.1 `trusted_authorities` (HAIP 1.0 §5: the `aki` type MUST be supported): a non-empty array
 * of `{ type, values }`. Only `aki` is applied (§6.1.1.1); another type is refused rather than
 * ignored, since ignoring it would change whom the query accepts. An mdoc's x5chain and an SD-JWT
 * VC's `x5c` header (HAIP 1.0 §6.1.1) are matched; an SD-JWT VC without `x5c` matches nothing.
 */
function parseTrustedAuthorities(raw: unknown, at: string): string[] {
  const ptr = `${at}/trusted_authorities`;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_AUTHORITIES)
    throw bad(
      'trusted_authorities must be a non-empty array',
      '신뢰 기관 조건(trusted_authorities)은 비어 있지 않은 배열이어야 합니다.',
      ptr,
    );
  const ids = new Set<string>();
  raw.forEach((t, i) => {
    if (!isObj(t) || typeof t.type !== 'string' || t.type.length === 0)
      throw bad(
        'a trusted authorities query is an object with a type',
        '신뢰 기관 조건은 유형(type)이 있는 객체여야 합니다.',
        `${ptr}/${i}`,
      );
    if (
      !Array.isArray(t.values) ||
      t.values.length === 0 ||
      t.values.length > MAX_AUTHORITIES ||
      !t.values.every((v) => typeof v === 'string')
    )
      throw bad(
        'values must be a non-empty array of strings',
        '값 목록(values)은 문자열로 된 비어 있지 않은 배열이어야 합니다.',
        `${ptr}/${i}/values`,
      );
    if (t.type !== 'aki')
      throw badRequest(
        'dcql_trusted_authority_type_unsupported',
        `trusted_authorities type ${t.type.slice(0, 40)} is not supported (aki is)`,
        {
          errors: [
            fieldError(
              `/dcql_query${ptr}/${i}/type`,
              'only aki is supported',
              '신뢰 기관 유형(type)으로는 인증기관 키 식별자(aki)만 쓸 수 있습니다.',
            ),
          ],
        },
      );
    t.values.forEach((v: string, j) => {
      if (!KEY_ID.test(v))
        throw bad(
          'an aki value is a base64url KeyIdentifier',
          '인증기관 키 식별자(aki) 값은 base64url로 인코딩한 키 식별자여야 합니다.',
          `${ptr}/${i}/values/${j}`,
        );
      ids.add(v);
    });
  });
  return [...ids];
}

function parseCredentialQuery(raw: unknown, i: number, catalog: Catalog, client: ApiClient): CredentialQuery {
  const at = `/credentials/${i}`;
  if (!isObj(raw)) throw bad('a credential query is an object', '증명서 질의는 객체여야 합니다.', at);
  if (typeof raw.id !== 'string' || !ID.test(raw.id))
    throw bad('id must be 1-64 of [A-Za-z0-9_-]', '식별자(id)는 영문자, 숫자, _, -로 된 1~64자여야 합니다.', `${at}/id`);
  if (raw.format === JWT_VC_JSON) return parseW3cCredentialQuery(raw, raw.id, at, catalog, client);
  if (raw.format !== 'dc+sd-jwt' && raw.format !== 'mso_mdoc')
    throw bad(
      'format dc+sd-jwt (SD-JWT VC), mso_mdoc (ISO mdoc) or jwt_vc_json (W3C VC) can be requested',
      '형식(format)은 dc+sd-jwt, mso_mdoc, jwt_vc_json 중 하나여야 합니다.',
      `${at}/format`,
    );
  const meta = raw.meta;
  const mdoc = raw.format === 'mso_mdoc';
  if (mdoc) {
    // Annex B.2.3: meta.doctype_value REQUIRED, a doctype string.
    if (!isObj(meta) || typeof meta.doctype_value !== 'string' || !MDOC_NAME.test(meta.doctype_value))
      throw bad(
        'meta.doctype_value must be a doctype string',
        '문서 유형(meta.doctype_value)은 올바른 문서 유형 문자열이어야 합니다.',
        `${at}/meta`,
      );
    // A verifier client limited to catalogue types may name only their doctypes.
    if (client.types !== null) {
      const doctype = meta.doctype_value;
      const t = catalog.types.find((x) => x.mdoc?.doctype === doctype);
      if (!t || !client.types.includes(t.id)) throw badRequest('type_not_allowed', `this verifier may not ask for ${doctype}`);
    }
  }
  // §6.1: meta is REQUIRED; §B.3.5: vct_values REQUIRED, non-empty.
  else if (
    !isObj(meta) ||
    !Array.isArray(meta.vct_values) ||
    meta.vct_values.length === 0 ||
    !meta.vct_values.every((v) => typeof v === 'string' && v.length > 0 && v.length < 500)
  ) {
    throw bad(
      'meta.vct_values must be a non-empty array of vct strings',
      '증명서 유형 목록(meta.vct_values)은 문자열로 된 비어 있지 않은 배열이어야 합니다.',
      `${at}/meta`,
    );
  }
  const vctValues = mdoc ? [(meta as { doctype_value: string }).doctype_value] : (meta as { vct_values: string[] }).vct_values;
  // A verifier client limited to some types may only ask for those.
  if (!mdoc && client.types !== null) {
    for (const vct of vctValues) {
      const t = catalog.getByVct(vct);
      if (!t || !client.types.includes(t.id)) throw badRequest('type_not_allowed', `this verifier may not ask for ${vct}`);
    }
  }
  const trustedAuthorityKeyIds = raw.trusted_authorities === undefined ? undefined : parseTrustedAuthorities(raw.trusted_authorities, at);
  const q: CredentialQuery = {
    id: raw.id,
    format: mdoc ? 'mso_mdoc' : 'dc+sd-jwt',
    multiple: readMultiple(raw, at),
    vctValues,
    requireHolderBinding: readHolderBinding(raw, at),
  };
  if (trustedAuthorityKeyIds) q.trustedAuthorityKeyIds = trustedAuthorityKeyIds;
  return withClaims(q, raw, at, mdoc);
}

function readMultiple(raw: Record<string, unknown>, at: string): boolean {
  if (raw.multiple !== undefined && typeof raw.multiple !== 'boolean')
    throw bad('multiple must be a boolean', '여러 개 허용(multiple)은 참·거짓 값이어야 합니다.', `${at}/multiple`);
  return raw.multiple === true;
}

/** §6.1 `require_cryptographic_holder_binding`: a boolean, true when omitted. */
function readHolderBinding(raw: Record<string, unknown>, at: string): boolean {
  const rchb = raw.require_cryptographic_holder_binding;
  if (rchb !== undefined && typeof rchb !== 'boolean')
    throw bad(
      'require_cryptographic_holder_binding must be a boolean',
      '소지자 확인 요구(require_cryptographic_holder_binding)는 참·거짓 값이어야 합니다.',
      `${at}/require_cryptographic_holder_binding`,
    );
  return rchb !== false;
}

/**
 * Annex B.1 (W3C VC, `jwt_vc_json`): `meta.type_values` REQUIRED; claims paths start at the root
 * of the credential. Our VC-JWTs carry no holder key (src/formats/vc-jwt/adapter.ts), so a query
 * that requires holder binding could never be answered: refused here, at request creation.
 */
function parseW3cCredentialQuery(
  raw: Record<string, unknown>,
  id: string,
  at: string,
  catalog: Catalog,
  client: ApiClient,
): CredentialQuery {
  const typeValues = parseTypeValues(raw.meta, `${at}/meta`);
  if (!w3cTypesAllowed(typeValues, catalog, client))
    throw badRequest('type_not_allowed', 'this verifier may not ask for these credential types');
  requireNoHolderBinding(readHolderBinding(raw, at), at);
  const q: CredentialQuery = {
    id,
    format: JWT_VC_JSON,
    multiple: readMultiple(raw, at),
    vctValues: [],
    typeValues,
    requireHolderBinding: false,
  };
  // §6.1.1.1: our VC-JWTs carry no X.509 chain, so with `aki` values none matches (trusted_authority_mismatch).
  if (raw.trusted_authorities !== undefined) q.trustedAuthorityKeyIds = parseTrustedAuthorities(raw.trusted_authorities, at);
  return withClaims(q, raw, at, false);
}

function withClaims(q: CredentialQuery, raw: Record<string, unknown>, at: string, mdoc: boolean): CredentialQuery {
  if (raw.claims !== undefined) q.claims = parseClaims(raw.claims, `${at}/claims`, mdoc);
  if (raw.claim_sets !== undefined) {
    // §6.1: claim_sets only with claims, each option naming claim ids.
    const claimIds = new Set((q.claims ?? []).map((c) => c.id));
    // §6.3: a claim's id is REQUIRED when claim_sets is present.
    const unnamed = (q.claims ?? []).findIndex((c) => c.id === undefined);
    if (unnamed >= 0)
      throw bad(
        'with claim_sets, every claim needs an id',
        '항목 조합(claim_sets)을 쓰면 모든 항목에 식별자(id)가 있어야 합니다.',
        `${at}/claims/${unnamed}/id`,
      );
    if (
      !q.claims ||
      !Array.isArray(raw.claim_sets) ||
      raw.claim_sets.length === 0 ||
      !raw.claim_sets.every((o) => Array.isArray(o) && o.length > 0 && o.every((id) => typeof id === 'string' && claimIds.has(id)))
    ) {
      throw bad(
        'claim_sets must be non-empty arrays of claim ids',
        '항목 조합(claim_sets)은 비어 있지 않은 배열이어야 하고, 각 조합은 이 질의의 항목 식별자로 된 비어 있지 않은 배열이어야 합니다.',
        `${at}/claim_sets`,
      );
    }
    q.claimSets = raw.claim_sets as string[][];
  }
  return q;
}

/**
 * The pointer of the first string (value or member name) in the query with a control, format,
 * bidirectional or separator character or a lone surrogate, or undefined. The query is signed into
 * the request object the wallet reads and may show (vct values, claim names); no real one has them.
 */
function unsafeTextAt(value: unknown): string | undefined {
  return findString(value, hasUnsafeCharacters)
    ?.map((t) => `/${typeof t === 'number' ? t : escapePointerToken(t)}`)
    .join('');
}

export function parseDcqlQuery(raw: unknown, catalog: Catalog, client: ApiClient): DcqlQuery {
  if (!isObj(raw)) throw bad('dcql_query must be an object', 'DCQL 질의(dcql_query)는 객체여야 합니다.', '');
  const unsafe = unsafeTextAt(raw);
  if (unsafe !== undefined)
    throw bad(
      'a string in the query contains a control, format, bidirectional or separator character, or a lone surrogate',
      'DCQL 질의의 문자열에 제어 문자, 서식 문자, 양방향 제어 문자, 줄 구분 문자나 짝이 없는 대리 문자가 있습니다.',
      unsafe,
    );
  const creds = raw.credentials;
  if (!Array.isArray(creds) || creds.length === 0 || creds.length > MAX_CREDENTIALS)
    throw bad(
      `credentials must hold 1 to ${MAX_CREDENTIALS} queries`,
      `증명서 질의(credentials)는 1~${MAX_CREDENTIALS}개여야 합니다.`,
      '/credentials',
    );
  const credentials = creds.map((c, i) => parseCredentialQuery(c, i, catalog, client));
  const ids = new Set<string>();
  for (const [i, c] of credentials.entries()) {
    // §6.1: the same id MUST NOT be present more than once.
    if (ids.has(c.id)) throw bad('credential query ids must be unique', '증명서 질의의 식별자(id)가 겹칩니다.', `/credentials/${i}/id`);
    ids.add(c.id);
  }
  const query: DcqlQuery = { credentials };
  if (raw.credential_sets !== undefined) {
    const sets = raw.credential_sets;
    if (!Array.isArray(sets) || sets.length === 0)
      throw bad(
        'credential_sets must be a non-empty array',
        '증명서 조합(credential_sets)은 비어 있지 않은 배열이어야 합니다.',
        '/credential_sets',
      );
    query.credentialSets = sets.map((s, i) => {
      if (
        !isObj(s) ||
        !Array.isArray(s.options) ||
        s.options.length === 0 ||
        !s.options.every((o) => Array.isArray(o) && o.length > 0 && o.every((id) => typeof id === 'string' && ids.has(id)))
      ) {
        throw bad(
          'options must be non-empty arrays of credential query ids',
          '선택지 목록(options)은 비어 있지 않은 배열이어야 하고, 각 선택지는 증명서 질의 식별자로 된 비어 있지 않은 배열이어야 합니다.',
          `/credential_sets/${i}`,
        );
      }
      if (s.required !== undefined && typeof s.required !== 'boolean')
        throw bad('required must be a boolean', '필수 여부(required)는 참·거짓 값이어야 합니다.', `/credential_sets/${i}/required`);
      return { options: s.options as string[][], required: s.required !== false };
    });
  }
  return query;
}

/** The verification policy for one credential query. */
export function policyForQuery(q: CredentialQuery): VerificationPolicy {
  // §6.1 `format`: only a credential of the query's own format answers it (no format confusion).
  // Annex B.1: a `jwt_vc_json` credential is our `vc+jwt` (the format the issuer metadata publishes it as).
  const policy: VerificationPolicy = {
    formats: [q.format === JWT_VC_JSON ? 'vc+jwt' : q.format],
    requireHolderBinding: q.requireHolderBinding,
    claims: (q.claims ?? []).map((c) => c.path),
  };
  if (q.typeValues) policy.typeValues = q.typeValues;
  else policy.types = q.vctValues;
  if (q.claims?.some((c) => c.values)) policy.claimValues = q.claims.map((c) => c.values);
  if (q.trustedAuthorityKeyIds) policy.trustedAuthorityKeyIds = q.trustedAuthorityKeyIds;
  if (q.claimSets) policy.claimSets = q.claimSets.map((o) => o.map((id) => q.claims!.findIndex((c) => c.id === id)));
  return policy;
}

/** §6.4.2: are the returned query ids enough? Without credential_sets, every query is required. */
export function satisfiesCredentialSets(query: DcqlQuery, returned: ReadonlySet<string>): boolean {
  if (!query.credentialSets) return query.credentials.every((c) => returned.has(c.id));
  return query.credentialSets.filter((s) => s.required).every((s) => s.options.some((o) => o.every((id) => returned.has(id))));
}
