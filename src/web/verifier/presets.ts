/** The counter's preset checks: which credential types, which claims, why, and what the answer must say. */
import type { CredentialTypeView } from '../shared/catalog.js';
import type { Text } from '../shared/i18n.js';

export interface Preset {
  id: string;
  name: Text;
  types: string[];
  claims: string[][];
  purpose: Text;
  /** A claim that must have this value for a green light (e.g. age_over_19 = true). */
  expect?: { claim: string; value: unknown; failure: Text };
}

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
];

/** The DCQL query (OpenID4VP §6) of a preset, with this service's vct values. */
export function dcqlFor(preset: Preset, types: readonly CredentialTypeView[]): Record<string, unknown> {
  const vcts = preset.types.map((id) => types.find((ty) => ty.id === id)?.vct).filter((v): v is string => typeof v === 'string');
  return {
    credentials: [{ id: 'credential', format: 'dc+sd-jwt', meta: { vct_values: vcts }, claims: preset.claims.map((path) => ({ path })) }],
  };
}
