/** The public catalogue (GET /v1/credential-types): names, claim labels and schemas for the pages. */
import { callApi } from './api.js';
import { currentLang, t, tx, type Text } from './i18n.js';

export interface JsonSchema {
  type?: string;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: (string | number)[];
  const?: string | number | boolean;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  contentMediaType?: string;
  /** The type lets this claim (or every string below it) carry control and format characters. */
  'x-allow-control-characters'?: boolean;
}

export interface CredentialTypeView {
  id: string;
  vct: string;
  name: Text;
  description?: Text;
  issuing_authority?: Text;
  formats: string[];
  person_bound: boolean;
  claims_schema: JsonSchema;
  selectively_disclosable: string[];
  derived_claims: string[];
  claim_display?: Record<string, Text>;
  /** What to enter in a claim, in both languages (the console's form hints). */
  claim_descriptions?: Record<string, Text>;
  example?: Record<string, unknown>;
}

let cache: Promise<CredentialTypeView[]> | undefined;
export const loadTypes = (): Promise<CredentialTypeView[]> => (cache ??= callApi<CredentialTypeView[]>('/v1/credential-types'));

/** The type of a credential by its vct (absolute, or the path the catalogue lists). */
export function typeByVct(types: readonly CredentialTypeView[], vct: string): CredentialTypeView | undefined {
  return (
    types.find((ty) => ty.vct === vct) ??
    types.find((ty) => vct.endsWith(ty.vct) || ty.vct.endsWith(new URL(vct, location.origin).pathname))
  );
}

/** The label of a claim path (`address.locality`), falling back to the path itself. */
export function claimLabel(type: CredentialTypeView | undefined, path: string): string {
  const text = type?.claim_display?.[path] ?? type?.claim_display?.[path.replace(/\[\]$/, '')];
  return text ? tx(text) : path;
}

/**
 * The hint for a claim in the language shown: the catalogue's description of it, or, in English
 * only, the JSON Schema `description` (written in English). Korean mode never shows English.
 */
export function claimHint(type: CredentialTypeView | undefined, path: string, schemaDescription?: string): string | undefined {
  const text = type?.claim_descriptions?.[path] ?? type?.claim_descriptions?.[path.replace(/\[\]$/, '')];
  if (text) return tx(text);
  return currentLang() === 'en' ? schemaDescription : undefined;
}

/** Claims as `[name, value]` entries in the type's display order (its claim_display), not by id; unknown names last. */
export function inDisplayOrder<V>(type: CredentialTypeView | undefined, entries: readonly (readonly [string, V])[]): [string, V][] {
  const order = Object.keys(type?.claim_display ?? {});
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return entries.map(([k, v]): [string, V] => [k, v]).sort(([a], [b]) => rank(a) - rank(b));
}

/** A claim value in words: booleans as yes/no, objects and arrays as "label: value" lines. */
export function valueText(type: CredentialTypeView | undefined, path: string, value: unknown): string {
  if (value === true) return t('예', 'Yes');
  if (value === false) return t('아니오', 'No');
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.map((v) => valueText(type, `${path}[]`, v)).join(' / ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${claimLabel(type, `${path}.${k}`)}: ${valueText(type, `${path}.${k}`, v)}`)
      .join(', ');
  }
  return String(value);
}

/** A portrait claim (base64url JPEG, ISO/IEC 18013-5) as a data: URL for an <img>. */
export function portraitUrl(value: unknown): string | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  return `data:image/jpeg;base64,${b64}${'='.repeat((4 - (b64.length % 4)) % 4)}`;
}
