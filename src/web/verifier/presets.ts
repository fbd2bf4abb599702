/** The counter's preset checks: which credential types, which claims, why, and what the answer must say. */
import type { CredentialTypeView } from '../shared/catalog.js';
import type { Text } from '../shared/i18n.js';

export interface Preset {
  id: string;
  name: Text;
  types: string[];
  /** Claim paths; an mdoc's are `[namespace, element]` (OpenID4VP §7.2). */
  claims: string[][];
  /** An ISO mdoc (OpenID4VP Annex B.2.3) instead of an SD-JWT VC: its docType. */
  mdoc?: { doctype: string };
  purpose: Text;
  /** A claim that must have this value for a green light (e.g. age_over_19 = true). */
  expect?: { claim: string; value: unknown; failure: Text };
}

const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';
const MDL_NAMESPACE = 'org.iso.18013.5.1';
const KR_MDL_NAMESPACE = 'kr.go.knpa.mdl.1';

export const PRESETS: Preset[] = [
  {
    id: 'adult',
    name: { ko: '성인 확인 (19세 이상 · 주류·담배)', en: 'Adult 19+ (alcohol and tobacco)' },
    types: ['resident-id', 'driver-license'],
    claims: [['age_over_19']],
    purpose: { ko: '주류·담배 판매 연령 확인 (청소년보호법)', en: 'Age check for selling alcohol and tobacco (Youth Protection Act)' },
    expect: { claim: 'age_over_19', value: true, failure: { ko: '19세 미만입니다. 판매할 수 없습니다.', en: 'Under 19. Do not sell.' } },
  },
  {
    id: 'civil-servant',
    name: { ko: '공무원증 확인', en: 'Civil-servant ID' },
    types: ['civil-servant-id'],
    claims: [['family_name'], ['given_name'], ['organization'], ['position_title'], ['portrait']],
    purpose: { ko: '공무원 신분 확인', en: 'Checking a civil servant’s identity' },
  },
  {
    id: 'driver',
    name: { ko: '운전면허 확인', en: 'Driver’s licence' },
    types: ['driver-license'],
    claims: [['family_name'], ['given_name'], ['birth_date'], ['driving_privileges'], ['portrait']],
    purpose: { ko: '운전면허 확인 (차량 대여)', en: 'Driving licence check (car rental)' },
  },
  {
    id: 'local-tax',
    name: { ko: '지방세 납세증명서 확인', en: 'Local tax payment certificate' },
    types: ['local-tax-payment'],
    claims: [['family_name'], ['given_name'], ['delinquent_tax_exists'], ['valid_until']],
    purpose: { ko: '지방세 체납 여부 확인 (계약·입찰)', en: 'Local tax arrears check (contracts and tenders)' },
    expect: {
      claim: 'delinquent_tax_exists',
      value: false,
      failure: { ko: '지방세 체납액이 있습니다.', en: 'There are local taxes in arrears.' },
    },
  },
  // The driver's licence as an ISO/IEC 18013-5 mdoc (schemas/credentials/driver-license.json `mdoc`):
  // ISO's namespace, and the Korean one for the youth-protection age rule.
  {
    id: 'adult-mdoc',
    name: { ko: '성인 확인 (ISO 규격 모바일 운전면허증)', en: 'Adult 19+ (ISO mdoc driving licence)' },
    types: ['driver-license'],
    mdoc: { doctype: MDL_DOCTYPE },
    claims: [
      [MDL_NAMESPACE, 'family_name'],
      [MDL_NAMESPACE, 'given_name'],
      [KR_MDL_NAMESPACE, 'age_over_19'],
    ],
    purpose: { ko: '주류·담배 판매 연령 확인 (청소년보호법)', en: 'Age check for selling alcohol and tobacco (Youth Protection Act)' },
    expect: { claim: 'age_over_19', value: true, failure: { ko: '19세 미만입니다. 판매할 수 없습니다.', en: 'Under 19. Do not sell.' } },
  },
  {
    id: 'driver-mdoc',
    name: { ko: '운전면허 확인 (ISO 규격)', en: 'Driver’s licence (ISO mdoc)' },
    types: ['driver-license'],
    mdoc: { doctype: MDL_DOCTYPE },
    claims: [
      [MDL_NAMESPACE, 'family_name'],
      [MDL_NAMESPACE, 'given_name'],
      [MDL_NAMESPACE, 'birth_date'],
      [MDL_NAMESPACE, 'driving_privileges'],
      [MDL_NAMESPACE, 'portrait'],
    ],
    purpose: { ko: '운전면허 확인 (차량 대여)', en: 'Driving licence check (car rental)' },
  },
];

/** The catalogue's name of a preset's claim: an mdoc path names its element last. */
export const claimNameOf = (preset: Preset, path: readonly string[]): string => (preset.mdoc ? path[path.length - 1]! : path.join('.'));

/**
 * An mdoc's disclosed claims come grouped by namespace (`{ "org.iso.18013.5.1": { family_name } }`);
 * the clerk sees elements, labelled by the catalogue like any claim. Other results pass unchanged.
 */
export function flatClaims(preset: Preset | undefined, claims: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!preset?.mdoc || !claims) return claims ?? {};
  return Object.assign({}, ...Object.values(claims).filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) as Record<
    string,
    unknown
  >;
}

/** The DCQL query (OpenID4VP §6) of a preset, with this service's vct values. */
export function dcqlFor(preset: Preset, types: readonly CredentialTypeView[]): Record<string, unknown> {
  const claims = preset.claims.map((path) => ({ path }));
  // Annex B.2.3: an mdoc is asked for by its docType.
  if (preset.mdoc) return { credentials: [{ id: 'credential', format: 'mso_mdoc', meta: { doctype_value: preset.mdoc.doctype }, claims }] };
  const vcts = preset.types.map((id) => types.find((ty) => ty.id === id)?.vct).filter((v): v is string => typeof v === 'string');
  return {
    credentials: [{ id: 'credential', format: 'dc+sd-jwt', meta: { vct_values: vcts }, claims }],
  };
}
