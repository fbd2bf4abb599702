/**
 * The rules on a credential type file that its meta-schema (schemas/credential-type.schema.json)
 * cannot express. Each rule is one small named check; `checkCredentialType` runs them in the
 * order of the table and throws the first failure as a CatalogError naming the file and the
 * JSON pointer of the field. The file has already passed the meta-schema.
 */
import { basename } from 'node:path';
import { CatalogError } from './error-codes.js';
import { escapePointerToken } from './describe-ajv-errors.js';
import { RRN_CLAIM_NAME } from './find-rrn.js';
import { listClaimPaths, type ClaimPathInfo } from './list-claim-paths.js';
import type { ClaimsSchema, Claims, CredentialFormat, DerivedClaimName, LocalizedText, MdocLayout } from './types.js';

/** A type file as written (snake_case, `vct` still a path), after the meta-schema passed. */
export interface CredentialTypeFile {
  id: string;
  vct: string;
  name: LocalizedText;
  description: LocalizedText;
  issuing_authority: LocalizedText;
  validity: { default_days: number; max_days: number };
  person_bound: boolean;
  formats: CredentialFormat[];
  mdoc?: Omit<MdocLayout, 'encodings'>;
  claims_schema: ClaimsSchema;
  selectively_disclosable: string[];
  derived_claims: DerivedClaimName[];
  claim_display: Record<string, LocalizedText>;
  claim_descriptions?: Record<string, LocalizedText>;
  example: Claims;
}

interface Context {
  readonly file: string;
  readonly type: CredentialTypeFile;
  readonly paths: readonly ClaimPathInfo[];
}

/** JSON pointer, inside the type file, of the schema of a claim path (`a[].b` → /claims_schema/properties/a/items/properties/b). */
export function schemaPointer(path: string): string {
  return (
    '/claims_schema' +
    path
      .split('.')
      .map((part) => {
        const name = part.replace(/(\[\])+$/, '');
        return `/properties/${escapePointerToken(name)}` + '/items'.repeat((part.length - name.length) / 2);
      })
      .join('')
  );
}

type Check = (c: Context) => CatalogError | undefined;

/** The file is `<id>.json`, so an id names exactly one file. */
const idMatchesFileName: Check = ({ file, type }) =>
  basename(file) === `${type.id}.json`
    ? undefined
    : new CatalogError('catalog_id_mismatch', file, '/id', `id "${type.id}" must equal the file name without .json`);

const validityIsOrdered: Check = ({ file, type }) =>
  type.validity.default_days <= type.validity.max_days
    ? undefined
    : new CatalogError('catalog_invalid_validity', file, '/validity/default_days', 'must not exceed max_days');

/**
 * DESIGN.md: person-bound credentials carry the name and birth date (never the RRN). With the
 * meta-schema's rule that only person-bound types derive claims, this also gives every derived
 * claim the required birth_date it is computed from.
 */
const personClaimsPresent: Check = ({ file, type }) => {
  if (!type.person_bound) return undefined;
  const s = type.claims_schema;
  for (const name of ['family_name', 'given_name', 'birth_date']) {
    if (!s.required.includes(name)) {
      return new CatalogError('catalog_person_claims_missing', file, '/claims_schema/required', `a person-bound type must require ${name}`);
    }
  }
  const birth = s.properties.birth_date;
  return birth?.type === 'string' && birth.format === 'date'
    ? undefined
    : new CatalogError('catalog_person_claims_missing', file, '/claims_schema/properties/birth_date', 'must be a string with format date');
};

const noRrnClaimName: Check = ({ file, paths }) => {
  for (const { path } of paths) {
    const name = path.slice(path.lastIndexOf('.') + 1);
    if (RRN_CLAIM_NAME.test(name)) {
      return new CatalogError(
        'catalog_rrn_claim',
        file,
        schemaPointer(path),
        `claim "${path}" looks like a resident registration number; carry birth_date instead`,
      );
    }
  }
  return undefined;
};

const knownPaths = ({ type, paths }: Context) => new Set<string>([...paths.map((p) => p.path), ...type.derived_claims]);

const disclosablePathsExist: Check = (c) => {
  const known = knownPaths(c);
  const i = c.type.selectively_disclosable.findIndex((p) => !known.has(p));
  return i < 0
    ? undefined
    : new CatalogError(
        'catalog_unknown_path',
        c.file,
        `/selectively_disclosable/${i}`,
        `"${c.type.selectively_disclosable[i]}" is neither a claim of claims_schema nor a derived claim of the type`,
      );
};

/** Every key of a per-claim map of the type (`claim_display`, `claim_descriptions`) names a known claim. */
const mapKeysExist =
  (member: 'claim_display' | 'claim_descriptions'): Check =>
  (c) => {
    const known = knownPaths(c);
    const key = Object.keys(c.type[member] ?? {}).find((k) => !known.has(k));
    return key === undefined
      ? undefined
      : new CatalogError(
          'catalog_unknown_path',
          c.file,
          `/${member}/${escapePointerToken(key)}`,
          `"${key}" is neither a claim of claims_schema nor a derived claim of the type`,
        );
  };
const displayKeysExist = mapKeysExist('claim_display');
const descriptionKeysExist = mapKeysExist('claim_descriptions');

/** Every claim (array element paths excepted) and every derived claim has a label. */
const everyClaimLabelled: Check = ({ file, type, paths }) => {
  const needed = [...paths.map((p) => p.path).filter((p) => !p.endsWith('[]')), ...type.derived_claims];
  const missing = needed.find((p) => !Object.hasOwn(type.claim_display, p));
  return missing === undefined ? undefined : new CatalogError('catalog_missing_label', file, '/claim_display', `no label for "${missing}"`);
};

/** An mdoc layout exactly when the type is issued as `mso_mdoc` (ISO/IEC 18013-5 needs a docType). */
const mdocLayoutMatchesFormats: Check = ({ file, type }) => {
  const issued = type.formats.includes('mso_mdoc');
  if (issued && !type.mdoc)
    return new CatalogError('catalog_mdoc_layout', file, '/mdoc', 'formats lists mso_mdoc: declare its doctype and namespaces');
  if (!issued && type.mdoc)
    return new CatalogError('catalog_mdoc_layout', file, '/mdoc', 'mdoc is declared but formats does not list mso_mdoc');
  return undefined;
};

/**
 * ISO/IEC 18013-5 §8.3.2.1.2.2: each data element is one IssuerSignedItem of one namespace. Every
 * top-level claim and derived claim of the type is in exactly one namespace, and nothing else is.
 */
const mdocElementsAreClaims: Check = ({ file, type }) => {
  if (!type.mdoc) return undefined;
  const claims = [...Object.keys(type.claims_schema.properties), ...type.derived_claims];
  const seen = new Set<string>();
  for (const [ns, elements] of Object.entries(type.mdoc.namespaces)) {
    for (const [i, element] of elements.entries()) {
      const at = `/mdoc/namespaces/${escapePointerToken(ns)}/${i}`;
      if (!claims.includes(element))
        return new CatalogError('catalog_mdoc_layout', file, at, `"${element}" is neither a claim nor a derived claim of the type`);
      if (seen.has(element)) return new CatalogError('catalog_mdoc_layout', file, at, `"${element}" is in more than one namespace`);
      seen.add(element);
    }
  }
  const missing = claims.find((c) => !seen.has(c));
  return missing === undefined
    ? undefined
    : new CatalogError('catalog_mdoc_layout', file, '/mdoc/namespaces', `"${missing}" is in no namespace`);
};

const CHECKS: readonly Check[] = [
  idMatchesFileName,
  validityIsOrdered,
  personClaimsPresent,
  noRrnClaimName,
  disclosablePathsExist,
  displayKeysExist,
  descriptionKeysExist,
  everyClaimLabelled,
  mdocLayoutMatchesFormats,
  mdocElementsAreClaims,
];

export function checkCredentialType(file: string, type: CredentialTypeFile): void {
  const context: Context = { file, type, paths: listClaimPaths(type.claims_schema) };
  for (const check of CHECKS) {
    const error = check(context);
    if (error) throw error;
  }
}
