/**
 * The W3C VC parts of a DCQL credential query (OpenID4VP 1.0 Annex B.1, `jwt_vc_json`).
 *
 * `type_values` are compared with the credential's `type` as written, without JSON-LD expansion:
 * Annex B.1.1 allows skipping expansion when a type is not defined by a `@context` (ours are
 * terms of the v2 context's issuer-dependent `@vocab`), and the `dcql` library compares the
 * same way, so a verifier writes `["VerifiableCredential", "DriverLicense"]`.
 */
import { badRequest } from '../errors.js';
import type { Catalog } from '../catalog/types.js';
import { fieldError } from '../verdict/field-messages.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { vcTypeTermOf } from '../formats/vc-jwt/adapter.js';
import { bad } from './parse-dcql-query.js';

export const JWT_VC_JSON = 'jwt_vc_json';

const MAX_TYPE_SETS = 16;
const MAX_TYPES = 16;
const isTypeString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 500;

/** Annex B.1.1 `type_values`: REQUIRED, a non-empty array of non-empty string arrays. */
export function parseTypeValues(meta: unknown, at: string): string[][] {
  const values = typeof meta === 'object' && meta !== null ? (meta as { type_values?: unknown }).type_values : undefined;
  if (
    !Array.isArray(values) ||
    values.length === 0 ||
    values.length > MAX_TYPE_SETS ||
    !values.every((set) => Array.isArray(set) && set.length > 0 && set.length <= MAX_TYPES && set.every(isTypeString))
  )
    throw bad(
      'meta.type_values must be a non-empty array of non-empty arrays of type strings',
      '유형 목록(meta.type_values)은 비어 있지 않은 배열이어야 하고, 그 안의 각 배열은 유형 문자열로 된 비어 있지 않은 배열이어야 합니다.',
      at,
    );
  return values as string[][];
}

/** A verifier client limited to catalogue types may name, in every alternative, one of their VC type terms. */
export function w3cTypesAllowed(typeValues: string[][], catalog: Catalog, client: ApiClient): boolean {
  if (client.types === null) return true;
  const allowed = new Set(catalog.types.filter((t) => client.types!.includes(t.id)).map((t) => vcTypeTermOf(t.id)));
  return typeValues.every((set) => set.some((term) => allowed.has(term)));
}

/**
 * Annex B.1: with `require_cryptographic_holder_binding` true (the default) the wallet MUST
 * return a Verifiable Presentation bound to the holder key the credential names. Our VC-JWTs
 * name none, so such a query could never be answered; we refuse it instead of accepting a VP
 * whose signature would prove nothing about the credential.
 */
export function requireNoHolderBinding(required: boolean, at: string): void {
  if (required)
    throw badRequest(
      'dcql_holder_binding_unavailable',
      'a jwt_vc_json credential carries no holder key here: set require_cryptographic_holder_binding to false',
      {
        errors: [
          fieldError(
            `/dcql_query${at}/require_cryptographic_holder_binding`,
            'must be false for jwt_vc_json',
            'VC-JWT(jwt_vc_json) 증명서에는 소지자 키가 없으므로 false여야 합니다.',
          ),
        ],
      },
    );
}
