/**
 * Every error code the service answers with, in one table: the HTTP statuses it is sent with,
 * the area that raises it, and one line saying what it means (English, plus the Korean a person
 * sees on the web pages or at the counter where such a sentence exists).
 *
 * `AppError.code` and every error helper accept only a key of this table, so a new code cannot
 * ship without an entry; test/project/error-catalogue.test.ts checks that each entry is
 * documented (README or the OpenAPI document, which lists them all) and asserted by a test.
 * `http: []` marks codes that never travel as an HTTP error: boot-time catalogue faults and the
 * codes of a wallet's refusal recorded in a presentation result.
 */

import type { FormatErrorCode } from '../formats/error-codes.js';
import type { StatusListErrorCode, VcJwtErrorCode } from '../formats/status-list/error-codes.js';
import { CREDENTIAL_STATUS, STATUS_ACT } from '../verdict/glossary.js';

export type ErrorArea =
  | 'http'
  | 'auth'
  | 'clients'
  | 'keys'
  | 'catalog'
  | 'catalog_boot'
  | 'issuance'
  | 'openid4vci'
  | 'status'
  | 'verification'
  | 'verifier'
  | 'openid4vp'
  | 'openid4vp_result'
  | 'history'
  | 'engagement'
  | 'jose'
  | 'jwt'
  | 'sd_jwt'
  | 'kb_jwt'
  | 'sd_jwt_vc'
  | 'status_list'
  | 'vc_jwt'
  | 'mdoc'
  | 'wallet'
  | 'cli';

export interface ErrorEntry {
  /** Statuses this code is answered with; the first is the usual one. */
  readonly http: readonly number[];
  readonly area: ErrorArea;
  readonly en: string;
  readonly ko?: string;
}

export const ERROR_CATALOGUE = {
  // HTTP front door (src/http/)
  malformed_json: { http: [400], area: 'http', en: 'the body is not valid JSON', ko: '요청 본문이 올바른 JSON이 아닙니다.' },
  empty_body: {
    http: [400],
    area: 'http',
    en: 'a JSON content type with an empty body',
    ko: '내용 유형(Content-Type)은 JSON인데 요청 본문이 비어 있습니다.',
  },
  forbidden_json_key: {
    http: [400],
    area: 'http',
    en: '__proto__ or constructor.prototype in the body',
    ko: '요청 본문에 쓸 수 없는 이름(__proto__ 또는 constructor.prototype)이 있습니다.',
  },
  json_too_deep: {
    http: [400],
    area: 'http',
    en: 'the JSON body nests more than 32 levels',
    ko: 'JSON 본문이 32단계를 넘게 중첩되어 있습니다.',
  },
  json_number_unrepresentable: {
    http: [400],
    area: 'http',
    en: 'a number in the JSON body is too large or too small for a 64-bit float (it would read as Infinity, or as 0)',
    ko: 'JSON 본문의 숫자가 너무 크거나 너무 작아 그 값 그대로 읽을 수 없습니다.',
  },
  json_duplicate_name: {
    http: [400],
    area: 'http',
    en: 'an object in the JSON body names the same member twice',
    ko: 'JSON 본문의 한 객체에 같은 이름의 멤버가 두 번 들어 있습니다.',
  },
  body_not_utf8: {
    http: [400],
    area: 'http',
    en: 'the JSON or form body is not valid UTF-8 (RFC 8259 §8.1; a form after percent-decoding)',
    ko: 'JSON 또는 폼 본문이 올바른 UTF-8이 아닙니다. 폼 본문은 퍼센트 인코딩을 푼 값도 UTF-8이어야 합니다.',
  },
  json_too_wide: {
    http: [400],
    area: 'http',
    en: 'an object with more than 100 members or an array with more than 1,000 items',
    ko: 'JSON 본문에 멤버가 100개를 넘는 객체나 요소가 1,000개를 넘는 배열이 있습니다.',
  },
  form_too_wide: { http: [400], area: 'http', en: 'a form body with more than 100 fields', ko: '폼 본문의 필드가 100개를 넘습니다.' },
  nul_character: {
    http: [400],
    area: 'http',
    en: 'a NUL character in a path parameter, a query value or a JSON string',
    ko: '경로 매개변수, 쿼리 값 또는 JSON 문자열에 NUL 문자가 들어 있습니다.',
  },
  invalid_request: {
    // 408, 413, 414, 415, 417, 431: a request refused as such on an OAuth endpoint (route-shape.ts).
    http: [400, 408, 413, 414, 415, 417, 431],
    area: 'http',
    en: 'the body or parameters break the route schema (also the OAuth code on OpenID4VCI/VP endpoints)',
    ko: '요청 본문이나 매개변수가 이 API가 정한 형식에 맞지 않습니다.',
  },
  invalid_purpose: {
    http: [400],
    area: 'verifier',
    en: 'purpose is not { ko, en } within its lengths, or holds control or bidirectional characters',
    ko: '요청 목적(purpose)은 정해진 길이 안의 한국어(ko)·영어(en) 문구로 이루어져야 하며, 제어 문자나 양방향 제어 문자를 넣을 수 없습니다.',
  },
  invalid_content_length: {
    http: [400],
    area: 'http',
    en: 'Content-Length does not match the body',
    ko: '본문 길이(Content-Length)가 실제 요청 본문과 맞지 않습니다.',
  },
  bad_url: {
    http: [400],
    area: 'http',
    en: 'the request URL is malformed (bad percent-encoding)',
    ko: '요청 URL의 형식이 올바르지 않습니다(잘못된 퍼센트 인코딩).',
  },
  bad_request: {
    http: [400],
    area: 'http',
    en: 'a request the framework could not route or understand',
    ko: '서버가 경로를 찾거나 해석할 수 없는 요청입니다.',
  },
  not_found: { http: [404], area: 'http', en: 'no such path', ko: '요청한 경로가 없습니다.' },
  bad_host: {
    http: [400],
    area: 'http',
    en: 'no Host header (HTTP/1.1), two of them, or one that is not a host',
    ko: '호스트 헤더(Host)가 없거나, 두 개이거나, 올바른 호스트 이름이 아닙니다.',
  },
  header_repeated: {
    http: [400],
    area: 'http',
    en: 'a header that may appear once (Authorization, Proxy-Authorization, Content-Type) is sent twice',
    ko: '한 번만 보낼 수 있는 헤더(Authorization, Proxy-Authorization, Content-Type)를 두 번 보냈습니다.',
  },
  headers_too_large: {
    http: [431],
    area: 'http',
    en: 'the request line and headers are larger than the service accepts',
    ko: '요청 줄과 헤더가 이 서비스가 받을 수 있는 크기보다 큽니다.',
  },
  malformed_http: {
    http: [400],
    area: 'http',
    en: "the request is not well-formed HTTP/1.1 (Node's parser refused it)",
    ko: '올바른 HTTP/1.1 요청 형식이 아닙니다.',
  },
  request_timeout: {
    http: [408],
    area: 'http',
    en: 'the request did not arrive in time',
    ko: '요청이 제시간에 도착하지 않았습니다. 다시 시도하십시오.',
  },
  path_forbidden: {
    http: [403],
    area: 'http',
    en: 'a path under a static mount (/web/, /docs/static/, /docs/) that climbs out (..), names a hidden file, or is not in plain form (a . or empty segment, a backslash)',
    ko: '숨김 파일을 가리키거나, 정적 파일 경로 밖으로 벗어나거나(..), 있는 그대로의 형태가 아닌 경로에는 접근할 수 없습니다.',
  },
  method_not_allowed: {
    http: [405],
    area: 'http',
    en: 'the path exists with other methods (Allow lists them)',
    ko: '이 경로는 다른 요청 방법(HTTP 메서드)만 받습니다. 받는 방법은 Allow 헤더에 있습니다.',
  },
  body_too_large: {
    http: [413],
    area: 'http',
    en: 'the body is larger than the route allows',
    ko: '요청 본문이 이 경로에서 받을 수 있는 크기보다 큽니다.',
  },
  expectation_failed: {
    http: [417],
    area: 'http',
    en: 'an Expect header other than 100-continue, which is the only expectation the service meets; the connection is closed',
    ko: '이 서비스가 따를 수 없는 Expect 헤더입니다. Expect 헤더 없이 다시 보내십시오.',
  },
  uri_too_long: {
    http: [414],
    area: 'http',
    en: 'a path parameter is longer than the service accepts',
    ko: '경로 매개변수가 이 서비스가 받을 수 있는 길이보다 깁니다.',
  },
  unsupported_media_type: {
    http: [415],
    area: 'http',
    en: 'the body is not in the media type the route takes',
    ko: '이 경로에서 받지 않는 본문 형식(미디어 유형)입니다.',
  },
  unsupported_content_encoding: {
    http: [415],
    area: 'http',
    en: 'the body comes with a Content-Encoding (gzip, …): send it uncompressed (Accept-Encoding: identity)',
    ko: '본문에 압축 방식(Content-Encoding, 예: gzip)이 지정되어 있습니다. 압축하지 않은 본문으로 보내십시오(Accept-Encoding: identity).',
  },
  rate_limited: {
    http: [429],
    area: 'http',
    en: 'over the per-minute request limit (Retry-After)',
    ko: '요청이 너무 많습니다. 잠시 후 다시 시도하십시오.',
  },
  internal_error: {
    http: [500],
    area: 'http',
    en: 'a bug; details are never shown',
    ko: '서비스 내부 오류가 발생했습니다. 자세한 내용은 표시하지 않습니다.',
  },
  not_ready: {
    http: [503],
    area: 'http',
    en: 'the store, the keys or the signer are not ready',
    ko: '저장소, 키 또는 서명 장치가 아직 준비되지 않았습니다. 잠시 후 다시 시도하십시오.',
  },
  store_unavailable: {
    http: [503],
    area: 'http',
    en: 'the data store is down, full or locked (Retry-After)',
    ko: '데이터 저장소가 멈췄거나 가득 찼거나 잠겨 있습니다. 잠시 후 다시 시도하십시오.',
  },
  web_not_built: {
    http: [503],
    area: 'http',
    en: 'the web pages are not built (npm run build:web)',
    ko: '웹 화면이 빌드되지 않았습니다. npm run build:web 명령으로 빌드하십시오.',
  },
  invalid_metrics_token: {
    http: [401],
    area: 'http',
    en: 'GET /metrics without the right Bearer METRICS_TOKEN',
    ko: '지표(/metrics)를 보려면 올바른 METRICS_TOKEN 값을 Bearer 토큰으로 보내야 합니다.',
  },
  unknown_vct: {
    http: [404],
    area: 'catalog',
    en: 'no credential type has this vct (type metadata)',
    ko: '이 증명서 종류 식별자(vct)에 해당하는 증명서 종류가 없습니다.',
  },

  // API clients (src/clients/)
  missing_api_key: { http: [401], area: 'auth', en: 'no API key was sent', ko: 'API 키를 입력하십시오.' },
  malformed_authorization: {
    http: [401],
    area: 'auth',
    en: 'the Authorization header is not an API key',
    ko: 'API 키 형식이 올바르지 않습니다.',
  },
  invalid_api_key: { http: [401], area: 'auth', en: 'the API key is not known', ko: 'API 키가 올바르지 않습니다. 키를 다시 확인하십시오.' },
  revoked_api_key: { http: [401], area: 'auth', en: 'the API key was revoked', ko: '폐기된 API 키입니다.' },
  wrong_role: { http: [403], area: 'auth', en: 'the client role may not do this', ko: '이 API 키로는 할 수 없는 작업입니다.' },
  invalid_client_name: {
    http: [400],
    area: 'clients',
    en: 'a client name is empty, longer than 200 characters or holds control or bidirectional characters',
    ko: '클라이언트 이름은 1자 이상 200자 이하여야 하며, 제어 문자나 양방향 제어 문자를 넣을 수 없습니다.',
  },
  invalid_client_role: {
    http: [400],
    area: 'clients',
    en: 'the role is not issuer, verifier or admin',
    ko: '역할은 발급기관(issuer), 검증기관(verifier), 관리자(admin) 중 하나여야 합니다.',
  },
  invalid_client_types: {
    http: [400],
    area: 'clients',
    en: 'a type restriction names no catalogue type or is given to an admin',
    ko: '증명서 종류 제한에 등록되지 않은 종류가 있거나, 관리자(admin) 클라이언트에 종류 제한을 지정했습니다.',
  },
  invalid_rate_limit: {
    http: [400],
    area: 'clients',
    en: 'a per-client rate limit is not a non-negative integer',
    ko: '클라이언트별 요청 한도는 0 이상의 정수여야 합니다.',
  },
  invalid_logo_uri: {
    http: [400],
    area: 'clients',
    en: 'logo_uri is not an https URL of at most 512 characters written as a URL parser writes it (no user, password or fragment), or the client is not a verifier',
    ko: '로고 주소(logo_uri)는 512자 이하의 https 주소여야 하며, 검증기관 클라이언트만 가질 수 있습니다.',
  },
  client_not_found: { http: [404], area: 'clients', en: 'no such API client', ko: '해당 API 클라이언트가 없습니다.' },
  client_already_revoked: {
    http: [409],
    area: 'clients',
    en: 'the API client was already revoked',
    ko: '이미 폐기된 API 클라이언트입니다.',
  },

  // Signing keys (src/keys/)
  no_active_key: {
    http: [503],
    area: 'keys',
    en: 'there is no active signing key (dproof keys generate)',
    ko: '사용 중인 서명 키가 없습니다. dproof keys generate 명령으로 서명 키를 만드십시오.',
  },
  signer_unavailable: {
    http: [503],
    area: 'keys',
    en: 'the HSM does not answer or lost its token',
    ko: 'HSM이 응답하지 않거나 HSM 토큰 연결이 끊겼습니다.',
  },
  key_states_stale: {
    http: [503],
    area: 'keys',
    en: "the node has not read the signing keys' states for longer than a rotation's handover; it signs again once the store answers",
    ko: '이 노드가 키 교체 전환 기간보다 오래 서명 키 상태를 읽지 못했습니다. 저장소가 응답하면 다시 서명합니다.',
  },
  alg_not_supported: {
    http: [400],
    area: 'keys',
    en: 'the HSM token does not offer this algorithm',
    ko: 'HSM 토큰이 이 알고리즘을 지원하지 않습니다.',
  },
  invalid_alg: { http: [400], area: 'cli', en: '--alg is not ES256 or EdDSA', ko: '알고리즘(--alg)은 ES256 또는 EdDSA여야 합니다.' },
  no_active_iaca: {
    http: [409],
    area: 'keys',
    en: 'a document signer needs an active IACA root (dproof keys iaca)',
    ko: '문서 서명 인증서를 만들려면 먼저 사용 중인 IACA 루트 인증서가 있어야 합니다 (dproof keys iaca).',
  },
  no_active_issuer_ca: {
    http: [409],
    area: 'keys',
    en: 'an issuer certificate needs an active issuer CA (dproof keys issuer-ca)',
    ko: '발급기관 인증서를 만들려면 먼저 사용 중인 발급기관 CA가 있어야 합니다 (dproof keys issuer-ca).',
  },
  key_not_found: { http: [404], area: 'keys', en: 'no signing key with this kid', ko: '이 키 식별자(kid)의 서명 키가 없습니다.' },
  key_active: {
    http: [409],
    area: 'keys',
    en: 'the active key cannot be retired; rotate first',
    ko: '사용 중인 서명 키는 폐기할 수 없습니다. 먼저 키를 교체하십시오.',
  },
  key_already_active: { http: [409], area: 'keys', en: 'the key is already the active one', ko: '이미 사용 중인 서명 키입니다.' },
  key_already_retired: { http: [409], area: 'keys', en: 'the key is already retired', ko: '이미 폐기된 서명 키입니다.' },
  key_store_mismatch: {
    http: [409],
    area: 'keys',
    en: "this command's key folder and passphrase (or HSM) open none of the keys the servers sign and verify with: a key made here would become active and no server could use it",
    ko: '이 명령의 키 폴더와 암호(또는 HSM)로는 서버가 서명과 검증에 쓰는 키를 하나도 열 수 없습니다. 여기서 만든 키가 사용 중이 되면 어느 서버도 그 키로 서명할 수 없습니다.',
  },
  key_state_changed: {
    http: [409],
    area: 'keys',
    en: 'another node changed the key state at the same time; try again',
    ko: '다른 노드가 동시에 키 상태를 바꾸었습니다. 다시 시도하십시오.',
  },
  key_still_in_use: {
    http: [409],
    area: 'keys',
    en: 'credentials signed by the key are still valid (use --force)',
    ko: '이 키로 서명한 증명서가 아직 유효합니다. 그래도 폐기하려면 --force 옵션을 쓰십시오.',
  },
  key_in_handover: {
    http: [409],
    area: 'keys',
    en: 'nodes may still sign with the key (KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s after the rotation); retire it later',
    ko: '노드들이 아직 이 키로 서명할 수 있습니다(교체 후 KEY_REFRESH_MS + JWKS_MAX_AGE + 1초 동안). 나중에 폐기하십시오.',
  },
  rotation_in_handover: {
    http: [409],
    area: 'keys',
    en: 'the last rotation is still in its handover (KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s); rotate later or force it',
    ko: '직전 키 교체의 전환 기간(KEY_REFRESH_MS + JWKS_MAX_AGE + 1초)이 아직 끝나지 않았습니다. 나중에 교체하거나 강제로 교체하십시오.',
  },
  store_in_use: {
    http: [409],
    area: 'cli',
    en: 'a running server holds the embedded store; stop it before migrating',
    ko: '실행 중인 서버가 내장 저장소를 쓰고 있습니다. 마이그레이션하기 전에 서버를 멈추십시오.',
  },
  store_missing: {
    http: [404],
    area: 'cli',
    en: 'DATA_DIR holds no embedded store (a mistyped DATA_DIR?); check it, or make the store with dproof db migrate',
    ko: 'DATA_DIR에 내장 저장소가 없습니다. DATA_DIR 값을 확인하거나 dproof db migrate로 저장소를 만드십시오.',
  },

  // Claims and the credential catalogue at request time (src/catalog/)
  invalid_claims: {
    http: [400],
    area: 'catalog',
    en: 'the claims break the type claims schema (errors[].pointer)',
    ko: '입력한 항목에 오류가 있습니다.',
  },
  derived_claim_supplied: {
    http: [400],
    area: 'catalog',
    en: 'the caller sent a claim the service computes itself (age_over_19, ...)',
    ko: '서비스가 직접 계산하는 항목(age_over_19 등)은 보낼 수 없습니다.',
  },
  rrn_not_allowed: {
    http: [400],
    area: 'catalog',
    en: 'a claim value looks like a resident registration number',
    ko: '항목 값에 주민등록번호로 보이는 값이 있습니다.',
  },

  // Credential catalogue at boot (CatalogError; the server does not start)
  catalog_unreadable: { http: [], area: 'catalog_boot', en: 'the catalogue folder or a type file cannot be read, or a file is not JSON' },
  catalog_empty: { http: [], area: 'catalog_boot', en: 'the catalogue folder holds no type file' },
  catalog_schema_violation: { http: [], area: 'catalog_boot', en: 'a type file breaks schemas/credential-type.schema.json' },
  catalog_id_mismatch: { http: [], area: 'catalog_boot', en: 'the file name is not <id>.json' },
  catalog_duplicate_id: { http: [], area: 'catalog_boot', en: 'two type files have the same id' },
  catalog_duplicate_vct: { http: [], area: 'catalog_boot', en: 'two type files have the same vct' },
  catalog_invalid_validity: { http: [], area: 'catalog_boot', en: 'validity.default_days exceeds validity.max_days' },
  catalog_person_claims_missing: { http: [], area: 'catalog_boot', en: 'a person-bound type lacks family_name, given_name or birth_date' },
  catalog_unknown_path: {
    http: [],
    area: 'catalog_boot',
    en: 'a disclosable path, claim_display or claim_descriptions key names no claim of the schema',
  },
  catalog_missing_label: { http: [], area: 'catalog_boot', en: 'a claim path or derived claim has no claim_display label' },
  catalog_invalid_claims_schema: { http: [], area: 'catalog_boot', en: 'the claims schema does not compile' },
  catalog_invalid_example: { http: [], area: 'catalog_boot', en: 'the example does not validate against the claims schema' },
  catalog_rrn_claim: { http: [], area: 'catalog_boot', en: 'a claim name or example value looks like a resident registration number' },
  catalog_mdoc_layout: {
    http: [],
    area: 'catalog_boot',
    en: 'the mdoc block is missing for an mso_mdoc type (or present without it), or a namespace element is not exactly one claim',
  },
  catalog_bad_public_url: { http: [], area: 'catalog_boot', en: 'PUBLIC_URL is not an absolute http(s) URL' },

  // Issuance (src/issuance/) on our API
  unknown_credential_type: {
    http: [400],
    area: 'issuance',
    en: 'no credential type with this id',
    ko: '이 식별자(id)의 증명서 종류가 없습니다.',
  },
  unsupported_format: {
    http: [400],
    area: 'issuance',
    en: 'the type is not issued in this format',
    ko: '이 증명서 종류는 이 형식으로 발급하지 않습니다.',
  },
  type_not_allowed: {
    http: [403, 400],
    area: 'issuance',
    en: 'the client is limited to other credential types (403 to issue, 400 in a DCQL query)',
    ko: '이 클라이언트에 허용되지 않은 증명서 종류입니다.',
  },
  invalid_holder_jwk: {
    http: [400],
    area: 'issuance',
    en: 'holder_jwk is not a public P-256 or Ed25519 key in canonical form',
    ko: '소지자 키(holder_jwk)는 정규 형식의 P-256 또는 Ed25519 공개 키여야 합니다.',
  },
  invalid_valid_until: {
    http: [400],
    area: 'issuance',
    en: 'valid_until is not an RFC 3339 date-time',
    ko: '만료 일시(valid_until)는 RFC 3339 형식의 날짜와 시각이어야 합니다.',
  },
  valid_until_in_past: {
    http: [400],
    area: 'issuance',
    en: 'valid_until is not in the future',
    ko: '만료 일시(valid_until)는 현재보다 뒤여야 합니다.',
  },
  valid_until_too_late: {
    http: [400],
    area: 'issuance',
    en: 'valid_until is past the type validity.max_days',
    ko: '만료 일시(valid_until)가 이 증명서 종류의 최대 유효 일수(validity.max_days)를 넘습니다.',
  },
  status_slots_exhausted: {
    http: [503],
    area: 'issuance',
    en: 'no free status list slot was found; try again',
    ko: '상태 목록에서 빈 자리를 찾지 못했습니다. 다시 시도하십시오.',
  },
  credential_not_found: {
    http: [404],
    area: 'status',
    en: 'no such credential issued by this client',
    ko: '이 클라이언트가 발급한 증명서 중에 해당 증명서가 없습니다.',
  },
  invalid_cursor: {
    http: [400],
    area: 'issuance',
    en: 'the paging cursor is not one this service gave out',
    ko: '목록 페이지 위치(before)가 이 서비스가 알려 준 값이 아닙니다.',
  },

  // OpenID4VCI (OAuth error shape, RFC 6749 §5.2, OpenID4VCI §8.3.1)
  invalid_grant: {
    http: [400],
    area: 'openid4vci',
    en: 'pre-authorized or authorization code unknown, expired, used or burned; wrong tx_code, code_verifier or redirect_uri; refresh token unknown, expired, used (which revokes its grant), bound to another DPoP key or client, or with nothing left to issue',
    ko: '사전 인가 코드·인가 코드 또는 갱신 토큰을 알 수 없거나, 만료되었거나, 이미 사용되었습니다. 또는 거래 코드(tx_code), code_verifier, 돌아올 주소(redirect_uri)가 맞지 않거나, 갱신 토큰이 다른 키·클라이언트의 것이거나 더 발급할 증명서가 없습니다.',
  },
  unsupported_grant_type: {
    http: [400],
    area: 'openid4vci',
    en: 'a grant this issuer does not offer: authorization_code without OIDC_ISSUER, refresh_token with REFRESH_TOKEN_TTL_SECONDS=0, any other',
    ko: '이 발급기관이 제공하지 않는 인가 방식(grant_type)입니다.',
  },
  invalid_token: {
    http: [401],
    area: 'openid4vci',
    en: 'access token missing, unknown, expired, or everything it covers was already issued',
    ko: '접근 토큰이 없거나, 알 수 없거나, 만료되었거나, 이 토큰으로 받을 증명서를 이미 모두 발급했습니다.',
  },
  insufficient_scope: {
    http: [403],
    area: 'openid4vci',
    en: 'the token offer is for another credential configuration',
    ko: '이 접근 토큰의 발급 제안은 다른 증명서 구성에 대한 것입니다.',
  },
  invalid_credential_request: {
    // 408, 413, 414, 417, 431: the credential request refused as such, in the endpoint's own code (route-shape.ts).
    http: [400, 408, 413, 414, 417, 431],
    area: 'openid4vci',
    en: 'the credential request is malformed (408: too slow to arrive, 413: larger than the endpoint takes, 414: a path too long, 417: an Expect it cannot meet)',
    ko: '증명서 요청의 형식이 올바르지 않거나 이 주소에서 받을 수 있는 크기보다 큽니다.',
  },
  unknown_credential_configuration: {
    http: [400],
    area: 'openid4vci',
    en: 'no such credential_configuration_id',
    ko: '해당 증명서 구성(credential_configuration_id)이 없습니다.',
  },
  invalid_proof: {
    http: [400],
    area: 'openid4vci',
    en: 'a key proof is missing or does not verify',
    ko: '키 소유 증명이 없거나 검증되지 않습니다.',
  },
  invalid_nonce: {
    http: [400],
    area: 'openid4vci',
    en: 'the c_nonce is unknown, expired or already used',
    ko: '알 수 없거나 만료되었거나 이미 사용된 c_nonce입니다.',
  },
  credential_request_denied: {
    http: [400],
    area: 'openid4vci',
    en: 'the offering client was revoked or may no longer issue the type; the token already received this configuration; a deferred issuance was refused',
    ko: '증명서 요청이 거절되었습니다. 발급 제안을 만든 클라이언트가 폐기되었거나 더 이상 이 종류를 발급할 수 없거나, 이 토큰으로 이 구성을 이미 받았거나, 보류 발급이 거절되었습니다.',
  },
  invalid_transaction_id: {
    http: [400],
    area: 'openid4vci',
    en: 'the deferred transaction_id is unknown, expired, already collected or not for this access token',
    ko: '보류 발급 식별자(transaction_id)를 알 수 없거나, 만료되었거나, 이미 받아 갔거나, 이 접근 토큰의 것이 아닙니다.',
  },
  invalid_notification_id: {
    http: [400],
    area: 'openid4vci',
    en: 'the notification_id is unknown, expired or not for this access token',
    ko: '알림 식별자(notification_id)를 알 수 없거나, 만료되었거나, 이 접근 토큰의 것이 아닙니다.',
  },
  invalid_notification_request: {
    // 408, 413, 414, 417, 431: the notification request refused as such, in the endpoint's own code (route-shape.ts).
    http: [400, 408, 413, 414, 417, 431],
    area: 'openid4vci',
    en: 'the notification request is malformed or names an unknown event (408: too slow to arrive, 413: larger than the endpoint takes, 414: a path too long, 417: an Expect it cannot meet)',
    ko: '알림 요청의 형식이 올바르지 않거나, 알 수 없는 이벤트(event)가 들어 있거나, 이 주소에서 받을 수 있는 크기보다 큽니다.',
  },
  deferred_not_found: {
    http: [404],
    area: 'openid4vci',
    en: 'no such deferred issuance of this issuer client',
    ko: '이 발급기관 클라이언트의 보류 발급 중에 해당 건이 없습니다.',
  },
  deferred_already_decided: {
    http: [409],
    area: 'openid4vci',
    en: 'the deferred issuance was already completed or refused, or has expired',
    ko: '이미 처리되었거나 만료된 보류 발급입니다.',
  },
  invalid_encryption_parameters: {
    http: [400],
    area: 'openid4vci',
    en: 'credential_response_encryption is malformed (enc other than A128GCM/A256GCM, a jwk without alg ECDH-ES, not a public P-256 point, zip) or sent unencrypted; an encrypted request is not an ECDH-ES JWE to a current key of credential_request_encryption (unknown kid, enc not listed, epk off the curve, zip or nesting, undecryptable, no JSON object); a plain request where encryption is required',
    ko: '암호화 설정이 올바르지 않습니다. 응답 암호화 설정(credential_response_encryption)을 확인하고, 요청은 발급기관 메타데이터의 요청 암호화 키(credential_request_encryption)로 암호화해 보내십시오.',
  },
  invalid_dpop_proof: {
    http: [400, 401],
    area: 'openid4vci',
    en: 'the DPoP proof is missing where required, malformed, not signed by its jwk, stale, replayed, for another method or URL, without the access token hash, or by a key other than the token is bound to (RFC 9449): 400 at the token endpoint; 401 with WWW-Authenticate: DPoP at the credential, deferred credential and notification endpoints',
    ko: 'DPoP 증명이 없거나 올바르지 않습니다(형식, 서명, 시각, 재사용, 요청 방법·주소, 토큰 해시 또는 토큰에 묶인 키가 맞지 않음). 토큰·증명서·보류 발급·알림 요청마다 새 DPoP 증명을 보내십시오.',
  },
  use_dpop_nonce: {
    http: [400, 401],
    area: 'openid4vci',
    en: 'the DPoP proof lacks the server nonce or carries an old one: retry with the DPoP-Nonce header value (RFC 9449 §8)',
    ko: 'DPoP 증명에 서버가 준 일회용 값(nonce)이 없거나 오래된 값이 들어 있습니다. DPoP-Nonce 헤더의 값을 넣어 다시 보내십시오.',
  },
  invalid_client: {
    http: [401],
    area: 'openid4vci',
    en: 'wallet attestation missing where required (also at PAR for a client_id not registered in WALLET_CLIENTS, in production), not from a trusted wallet provider, expired, or its PoP is bad, replayed or for another audience (attest_jwt_client_auth); or a client secret or assertion (HTTP Basic, client_secret, client_assertion), which this server does not take',
    ko: '지갑 증명(wallet attestation)이 필요한데 없거나(운영 환경에서 등록되지 않은 지갑의 인가 요청 포함), 신뢰하는 지갑 제공자의 것이 아니거나, 만료되었거나, 소유 증명(PoP)이 올바르지 않거나 재사용되었거나 다른 대상에게 보낸 것입니다.',
  },
  temporarily_unavailable: {
    http: [503],
    area: 'openid4vci',
    en: 'store_unavailable, signer_unavailable or no_active_key as written on OpenID4VCI/VP endpoints (RFC 6749 §4.1.2.1)',
    ko: '저장소, 서명 장치 또는 사용 중인 서명 키 문제로 지금은 처리할 수 없습니다. 잠시 후 다시 시도하십시오.',
  },
  // Authorization Code Flow (RFC 6749 §4.1.2.1, RFC 9126, RFC 9396, RFC 9101 §6.2)
  invalid_authorization_details: {
    http: [400],
    area: 'openid4vci',
    en: 'authorization_details is not one openid_credential entry naming a credential configuration this issuer offers',
    ko: '인가 상세(authorization_details)에는 이 발급기관이 제공하는 증명서 구성을 가리키는 openid_credential 하나만 있어야 합니다.',
  },
  invalid_scope: {
    http: [400],
    area: 'openid4vci',
    en: 'the scope names no credential configuration, or more than one',
    ko: '범위(scope)가 증명서 구성을 하나도 가리키지 않거나 둘 이상 가리킵니다.',
  },
  unsupported_response_type: {
    http: [400],
    area: 'openid4vci',
    en: 'an authorization request with a response_type other than code',
    ko: '인가 요청의 응답 유형(response_type)은 code여야 합니다.',
  },
  access_denied: {
    http: [],
    area: 'openid4vci',
    en: 'sent to the wallet redirect_uri: the citizen cancelled the login, or the identity provider or the claims source said no',
    ko: '본인 확인을 마치지 않았거나 발급이 거절되었습니다.',
  },
  server_error: {
    http: [],
    area: 'openid4vci',
    en: 'sent to the wallet redirect_uri: the identity provider answered with an ID token that does not verify, or the claims source with claims that do not',
  },
  offer_not_found: {
    http: [404],
    area: 'openid4vci',
    en: 'the offer was used, has expired or never existed',
    ko: '이미 사용되었거나, 만료되었거나, 존재하지 않는 발급 제안입니다.',
  },

  // Credential status changes (src/status/)
  invalid_reason: {
    http: [400],
    area: 'status',
    en: 'a status change needs a reason of 1 to 500 characters',
    ko: '상태를 바꾸려면 1자 이상 500자 이하의 사유를 입력하십시오.',
  },
  credential_already_revoked: {
    http: [409],
    area: 'status',
    en: 'the credential was already revoked',
    ko: `이미 ${CREDENTIAL_STATUS.revoked.ko}된 증명서입니다.`,
  },
  credential_revoked: {
    http: [409, 400],
    area: 'status',
    en: 'the credential is revoked: a status change is refused (revocation is final) and a verification fails',
    ko: `${CREDENTIAL_STATUS.revoked.ko}된 증명서는 상태를 바꿀 수 없습니다.`,
  },
  credential_already_suspended: {
    http: [409],
    area: 'status',
    en: 'the credential is already suspended',
    ko: '이미 효력이 정지된 증명서입니다.',
  },
  credential_not_suspended: {
    http: [409],
    area: 'status',
    en: 'only a suspended credential can be reinstated',
    ko: '효력이 정지된 증명서만 정지 해제할 수 있습니다.',
  },
  status_list_not_found: { http: [404], area: 'status', en: 'no status list with this id', ko: '이 식별자의 상태 목록이 없습니다.' },
  status_list_not_acceptable: {
    http: [406],
    area: 'status',
    en: 'the Accept header names neither application/statuslist+jwt nor application/statuslist+cwt',
    ko: '상태 목록은 JWT(application/statuslist+jwt) 또는 CWT(application/statuslist+cwt) 형식으로만 제공합니다. 요청의 Accept 헤더를 확인하세요.',
  },
  status_list_time_invalid: {
    http: [400],
    area: 'status',
    en: 'time must be one Unix timestamp in seconds',
    ko: '조회 시점(time)은 초 단위 유닉스 시각 하나여야 합니다.',
  },
  status_list_time_unavailable: {
    http: [404],
    area: 'status',
    en: 'the status list is kept only as it is now; that time lies before the current token or in the future',
    ko: '상태 목록은 현재 것만 보관합니다. 요청한 시점은 현재 상태 목록이 발행되기 전이거나 미래입니다.',
  },

  // Verifier API and OpenID4VP (src/presentation/)
  invalid_dcql_query: {
    http: [400],
    area: 'verifier',
    en: 'the DCQL query is malformed or asks for an unsupported format',
    ko: 'DCQL 질의가 올바르지 않거나 지원하지 않는 증명서 형식을 요청합니다.',
  },
  dcql_trusted_authority_type_unsupported: {
    http: [400],
    area: 'verifier',
    en: 'a DCQL trusted_authorities entry has a type other than aki (etsi_tl and openid_federation are not applied)',
    ko: '신뢰 기관 조건(trusted_authorities)은 aki 유형만 지원합니다.',
  },
  dcql_holder_binding_unavailable: {
    http: [400],
    area: 'verifier',
    en: 'a jwt_vc_json credential query requires holder binding, but our VC-JWTs carry no holder key: set require_cryptographic_holder_binding to false',
    ko: 'VC-JWT(jwt_vc_json) 증명서에는 소지자 키가 없습니다. require_cryptographic_holder_binding을 false로 지정하십시오.',
  },
  invalid_webhook_url: {
    http: [400],
    area: 'verifier',
    en: 'webhook_url is not an absolute https URL or carries credentials',
    ko: '웹훅 주소(webhook_url)는 인증 정보가 없는 절대 https 주소여야 합니다.',
  },
  webhook_url_internal: {
    http: [400],
    area: 'verifier',
    en: 'webhook_url names a loopback, private or metadata address',
    ko: '웹훅 주소(webhook_url)가 루프백, 사설 또는 메타데이터 주소를 가리킵니다.',
  },
  not_a_presentation: {
    http: [400],
    area: 'verifier',
    en: 'the scanned text is another QR of these flows (an engagement link, the counter challenge, an offer, a request), not a presentation',
    ko: '읽은 QR은 제시된 증명서가 아니라 다른 QR(연결 QR, 창구 QR, 발급 QR, 제출 요청 QR)입니다.',
  },
  invalid_policy: {
    http: [400],
    area: 'verifier',
    en: 'the counter policy cannot be met or read: a policy.claims entry is not a claim path, a policy.types entry is no catalogue type, a list is empty, or the types are none this client may verify',
    ko: '창구 정책을 읽을 수 없거나 어떤 증명서도 통과할 수 없습니다. 항목 경로가 아닌 항목(policy.claims), 목록에 없는 증명서 종류, 빈 목록, 이 클라이언트가 검증할 수 없는 종류 중 하나입니다.',
  },
  request_not_found: {
    http: [404],
    area: 'verifier',
    en: 'no such request made by this verifier client',
    ko: '이 검증기관 클라이언트가 만든 요청 중에 해당 요청이 없습니다.',
  },
  result_not_found: {
    http: [404],
    area: 'verifier',
    en: "no holder's result at this address (mistyped, or past its retention)",
    ko: '이 주소에는 소지자의 제출 결과가 없습니다. 주소가 잘못되었거나 보관 기간이 지났습니다.',
  },
  invalid_request_uri: {
    http: [404, 400],
    area: 'openid4vp',
    en: 'the request object is unknown (404), already answered or expired (400); at /oauth/authorize: the pushed request_uri is unknown, used or expired (400)',
    ko: '알 수 없거나, 이미 사용되었거나, 만료된 요청입니다.',
  },

  // X.509 verifier identity (src/presentation/x509-identity/)
  invalid_client_id_prefix: {
    http: [400],
    area: 'verifier',
    en: 'client_id_prefix is not decentralized_identifier, x509_san_dns or x509_hash',
    ko: '클라이언트 식별자 방식(client_id_prefix)은 decentralized_identifier, x509_san_dns, x509_hash 중 하나여야 합니다.',
  },
  no_verifier_identity: {
    http: [409],
    area: 'verifier',
    en: 'no active X.509 verifier identity for this client or the service (dproof verifier-certs create)',
    ko: '이 클라이언트나 서비스에 사용 중인 X.509 검증기관 신원이 없습니다 (dproof verifier-certs create).',
  },
  verifier_identity_not_found: {
    http: [404],
    area: 'verifier',
    en: 'no X.509 verifier identity with this id',
    ko: '이 식별자의 X.509 검증기관 신원이 없습니다.',
  },
  verifier_identity_state: {
    http: [409],
    area: 'verifier',
    en: 'the verifier identity is not in a state that allows this (import needs pending, retire needs retiring)',
    ko: '검증기관 신원이 이 작업을 할 수 있는 상태가 아닙니다. 인증서 가져오기는 대기 중인 신원에서만, 폐기는 교체 중인 신원에서만 할 수 있습니다.',
  },
  certificate_invalid: {
    http: [400],
    area: 'jose',
    en: 'the chain holds no certificate, or text that is not a PEM certificate',
    ko: '인증서 체인에 인증서가 없거나, PEM 인증서가 아닌 내용이 있습니다.',
  },
  certificate_chain_invalid: {
    http: [400],
    area: 'jose',
    en: 'a certificate of the chain is not signed by the next one, a CA certificate lacks its CA flags, or a CA has more CA certificates under it than its pathLenConstraint allows',
    ko: '체인의 인증서가 다음 인증서로 서명되지 않았거나, CA 인증서에 CA 표시가 없거나, CA 아래의 CA 인증서 수가 경로 길이 제한(pathLenConstraint)을 넘습니다.',
  },
  certificate_key_mismatch: {
    http: [400],
    area: 'verifier',
    en: "the leaf certificate is not for this identity's key",
    ko: '말단 인증서가 이 신원의 키에 대한 것이 아닙니다.',
  },
  certificate_san_missing: {
    http: [400],
    area: 'verifier',
    en: "the leaf certificate's subjectAltName lacks the identity's DNS name",
    ko: '말단 인증서의 주체 대체 이름(subjectAltName)에 이 신원의 DNS 이름이 없습니다.',
  },
  certificate_expired: {
    http: [400],
    area: 'jose',
    en: 'a certificate of the chain is expired or not yet valid',
    ko: '체인에 유효기간이 지났거나 아직 시작되지 않은 인증서가 있습니다.',
  },

  // Encrypted responses, direct_post.jwt (src/presentation/response-encryption/)
  response_encryption_required: {
    http: [400],
    area: 'openid4vp',
    en: 'the request asked for an encrypted response (direct_post.jwt) and the answer is not a JWE in `response`',
    ko: '이 요청은 암호화된 응답(direct_post.jwt)을 요구하지만, 응답 매개변수(response)에 JWE가 없습니다.',
  },
  response_jwe_malformed: {
    http: [400],
    area: 'openid4vp',
    en: '`response` is not a compact JWE with a JSON header and an empty encrypted key',
    ko: '응답 매개변수(response)가 JSON 헤더와 빈 암호화 키를 가진 간결 직렬화(compact) JWE가 아닙니다.',
  },
  response_jwe_alg_not_allowed: {
    http: [400],
    area: 'openid4vp',
    en: 'the JWE is not alg ECDH-ES with enc A128GCM or A256GCM, or carries zip or crit',
    ko: 'JWE는 alg ECDH-ES와 enc A128GCM 또는 A256GCM을 써야 하며, zip이나 crit 헤더를 쓸 수 없습니다.',
  },
  response_jwe_epk_invalid: {
    http: [400],
    area: 'openid4vp',
    en: 'the JWE epk is not a P-256 public key on the curve',
    ko: 'JWE의 임시 공개 키(epk)가 곡선 위의 P-256 공개 키가 아닙니다.',
  },
  response_jwe_kid_unknown: {
    http: [400],
    area: 'openid4vp',
    en: 'the JWE kid names no key of a pending request (another verifier, an answered or expired request)',
    ko: 'JWE의 키 식별자(kid)가 응답을 기다리는 요청의 키가 아닙니다(다른 검증기관의 요청이거나, 이미 응답했거나 만료된 요청).',
  },
  response_jwe_decrypt_failed: {
    http: [400],
    area: 'openid4vp',
    en: 'the JWE does not decrypt with the key its kid names',
    ko: '키 식별자(kid)가 가리키는 키로 JWE를 복호화할 수 없습니다.',
  },
  response_jwe_other_request: {
    http: [400],
    area: 'openid4vp',
    en: "the JWE was encrypted to one request's key and answers another request (state)",
    ko: 'JWE가 한 요청의 키로 암호화되었는데 다른 요청(state)에 대한 응답입니다.',
  },
  dc_api_mode_mismatch: {
    http: [400],
    area: 'openid4vp',
    en: 'a DC API request answered at the Response URI, or another request answered through the DC API endpoint',
    ko: 'DC API 요청에 대한 응답이 응답 주소(response_uri)로 왔거나, 다른 요청에 대한 응답이 DC API 주소로 왔습니다.',
  },
  invalid_origin: {
    http: [400],
    area: 'verifier',
    en: 'origin is not a bare https origin (http only for localhost outside production), or is given for a mode other than dc_api / dc_api.jwt',
    ko: '출처(origin)는 경로 없는 https 출처여야 합니다(운영 환경이 아닐 때 localhost만 http 허용). 출처는 dc_api, dc_api.jwt 응답 방식에만 줄 수 있습니다.',
  },
  invalid_redirect_uri: {
    http: [400],
    area: 'verifier',
    en: 'redirect_uri (same-device) is not an https URL without fragment or user (http only for localhost outside production), or was asked for a DC API request',
    ko: '같은 기기 흐름의 돌아올 주소(redirect_uri)가 올바르지 않습니다. 조각(#) 없는 https 주소여야 하며, DC API 요청에는 쓸 수 없습니다.',
  },
  response_code_required: {
    http: [403],
    area: 'verifier',
    en: 'a same-device request was answered: its result is read only with the response_code the wallet brought back to the page that made the request',
    ko: '같은 기기에서 만든 요청의 결과는 지갑이 요청한 화면으로 돌려준 응답 코드(response_code)가 있어야 볼 수 있습니다.',
  },
  response_code_mismatch: {
    http: [403],
    area: 'verifier',
    en: "the response_code is not the one this request's answer was given (another request's, or mistyped): the answer did not come back to this session",
    ko: '응답 코드(response_code)가 이 요청의 것이 아닙니다. 제출 결과가 이 화면으로 돌아오지 않았습니다.',
  },
  response_payload_invalid: {
    http: [400],
    area: 'openid4vp',
    en: 'the decrypted response is not a JSON object of response parameters',
    ko: '복호화한 응답이 응답 매개변수를 담은 JSON 객체가 아닙니다.',
  },

  // Result codes of a direct_post answer that is not verified (OpenID4VP §8.5 wallet errors, vp_token shape)
  wallet_access_denied: { http: [], area: 'openid4vp_result', en: 'the holder declined to present' },
  wallet_invalid_request: { http: [], area: 'openid4vp_result', en: 'the wallet found the request invalid' },
  wallet_invalid_client: { http: [], area: 'openid4vp_result', en: 'the wallet does not trust the verifier' },
  wallet_invalid_scope: { http: [], area: 'openid4vp_result', en: 'the wallet found the requested scope invalid' },
  wallet_vp_formats_not_supported: { http: [], area: 'openid4vp_result', en: 'the wallet holds no credential in an asked format' },
  wallet_invalid_request_uri_method: { http: [], area: 'openid4vp_result', en: 'the wallet does not support the request_uri_method' },
  wallet_invalid_transaction_data: { http: [], area: 'openid4vp_result', en: 'the wallet refused the transaction data' },
  wallet_wallet_unavailable: { http: [], area: 'openid4vp_result', en: 'the wallet could not answer' },
  wallet_error: { http: [], area: 'openid4vp_result', en: 'the wallet answered with an error this service does not know' },
  vp_token_unknown_query: { http: [], area: 'openid4vp_result', en: 'the vp_token answers a credential query that was not asked' },
  vp_token_not_array: {
    http: [],
    area: 'openid4vp_result',
    en: 'a credential query was answered with something other than an array of presentations',
  },
  vp_token_not_string: { http: [], area: 'openid4vp_result', en: 'a presentation in the vp_token is not a string' },
  vp_token_wrong_count: {
    http: [],
    area: 'openid4vp_result',
    en: 'no presentation for a credential query, more than it allows (one without multiple), or more than 16 in all',
  },
  vp_token_incomplete: { http: [], area: 'openid4vp_result', en: 'the vp_token does not satisfy the credential_sets of the query' },

  // Holder history (/v1/wallet/history)
  missing_history_token: {
    http: [401],
    area: 'history',
    en: 'no dproof-history+jwt Bearer token',
    ko: '이력 토큰(dproof-history+jwt)이 없습니다. Bearer 토큰으로 보내십시오.',
  },
  history_token_invalid: { http: [401], area: 'history', en: 'the history token does not verify', ko: '이력 토큰이 검증되지 않습니다.' },
  history_token_aud_mismatch: {
    http: [401],
    area: 'history',
    en: 'the history token aud is not this endpoint',
    ko: '이력 토큰의 대상(aud)이 이 주소가 아닙니다.',
  },
  history_token_cnf_mismatch: {
    http: [401],
    area: 'history',
    en: 'cnf.jkt is not the thumbprint of the signing key',
    ko: '이력 토큰의 키 지문(cnf.jkt)이 토큰에 서명한 키의 지문이 아닙니다.',
  },
  history_token_jti_invalid: {
    http: [401],
    area: 'history',
    en: 'jti is not a random value of at least 128 bits',
    ko: '토큰 식별자(jti)는 128비트 이상의 무작위 값이어야 합니다.',
  },
  history_token_reused: {
    http: [401],
    area: 'history',
    en: 'the history token jti was already used',
    ko: '이력 토큰의 식별자(jti)가 이미 사용되었습니다.',
  },

  // Holder-shown counter engagement (/v1/wallet/engagements, /v1/verifier/engagements)
  engagement_invalid: {
    http: [400],
    area: 'engagement',
    en: "the scanned text is not a holder's engagement code (dproof-engage:…)",
    ko: '소지자 화면의 QR 코드가 아닙니다. 다시 스캔하십시오.',
  },
  engagement_unknown: {
    http: [404],
    area: 'engagement',
    en: 'no engagement with this handle',
    ko: '알 수 없는 QR입니다. 새 QR을 요청하십시오.',
  },
  engagement_used: {
    http: [409],
    area: 'engagement',
    en: 'the engagement handle was already redeemed (by this or another counter)',
    ko: '이미 사용된 QR입니다. 새 QR을 요청하십시오.',
  },
  engagement_expired: {
    http: [400],
    area: 'engagement',
    en: 'the engagement handle has expired',
    ko: '만료된 QR입니다. 새 QR을 요청하십시오.',
  },
  engagement_token_missing: {
    http: [401],
    area: 'engagement',
    en: 'no Bearer wait token from POST /v1/wallet/engagements',
    ko: '대기 토큰이 없습니다. POST /v1/wallet/engagements에서 받은 대기 토큰을 Bearer 토큰으로 보내십시오.',
  },
  engagement_token_unknown: {
    http: [401],
    area: 'engagement',
    en: 'the wait token names no engagement (expired and purged, or never made)',
    ko: '대기 토큰에 해당하는 연결이 없습니다(만료되어 지워졌거나 만들어진 적이 없음).',
  },

  // JOSE: compact JWS structure and signatures (RFC 7515, RFC 8725bis)
  jws_malformed: {
    http: [400],
    area: 'jose',
    en: 'not a compact JWS of base64url JSON segments',
    ko: 'JWS 형식이 올바르지 않습니다. 간결 직렬화(compact) JWS는 base64url로 인코딩한 JSON 부분들로 이루어져야 합니다.',
  },
  jws_alg_not_allowed: {
    http: [400],
    area: 'jose',
    en: 'the alg is not on the allow-list',
    ko: '허용 목록에 없는 서명 알고리즘(alg)입니다.',
  },
  jws_crit_unsupported: {
    http: [400],
    area: 'jose',
    en: 'a crit header names an extension this service does not understand',
    ko: '필수 확장 헤더(crit)에 이 서비스가 처리하지 못하는 확장이 지정되어 있습니다.',
  },
  jws_b64_unsupported: {
    http: [400],
    area: 'jose',
    en: 'the b64 header (unencoded payload) is not supported',
    ko: '페이로드를 인코딩하지 않는 방식(b64 헤더)은 지원하지 않습니다.',
  },
  jws_typ_mismatch: {
    http: [400],
    area: 'jose',
    en: 'the typ header is not the expected one',
    ko: '토큰 유형 헤더(typ)가 예상한 값이 아닙니다.',
  },
  jws_key_not_found: { http: [400], area: 'jose', en: 'no key of the issuer matches', ko: '발급기관의 키 중 일치하는 키가 없습니다.' },
  jws_key_alg_mismatch: { http: [400], area: 'jose', en: 'the key does not fit the alg', ko: '키가 서명 알고리즘(alg)에 맞지 않습니다.' },
  jws_key_invalid: {
    http: [400],
    area: 'jose',
    en: 'the JWK is not a canonical public P-256 or Ed25519 key',
    ko: 'JWK가 정규 형식의 P-256 또는 Ed25519 공개 키가 아닙니다.',
  },
  jws_signature_invalid: { http: [400], area: 'jose', en: 'the signature does not verify', ko: '서명이 맞지 않습니다.' },
  jws_signer_output_invalid: {
    http: [400],
    area: 'jose',
    en: 'a signer returned a signature of the wrong shape',
    ko: '서명 장치가 형식이 잘못된 서명을 돌려주었습니다.',
  },

  // JWT time claims (RFC 7519 §4.1.4-4.1.6)
  jwt_time_claim_invalid: {
    http: [400],
    area: 'jwt',
    en: 'exp, nbf or iat is not a NumericDate',
    ko: '만료 시각(exp), 효력 시작 시각(nbf) 또는 발행 시각(iat)이 올바른 시각 값(NumericDate)이 아닙니다.',
  },
  jwt_expired: { http: [400], area: 'jwt', en: 'exp has passed', ko: '유효기간이 지난 증명서입니다.' },
  jwt_not_yet_valid: { http: [400], area: 'jwt', en: 'nbf is in the future', ko: '아직 효력이 시작되지 않은 증명서입니다.' },
  jwt_iat_in_future: { http: [400], area: 'jwt', en: 'iat is in the future', ko: '발행 시각(iat)이 미래 시각입니다.' },
  jwt_iat_too_old: { http: [400], area: 'jwt', en: 'iat is older than allowed', ko: '발행 시각(iat)이 허용된 범위보다 오래되었습니다.' },
  jwt_exp_missing: { http: [400], area: 'jwt', en: 'exp is required and missing', ko: '필수인 만료 시각(exp)이 없습니다.' },
  jwt_iat_missing: { http: [400], area: 'jwt', en: 'iat is required and missing', ko: '필수인 발행 시각(iat)이 없습니다.' },

  // SD-JWT (RFC 9901)
  sd_jwt_malformed: { http: [400], area: 'sd_jwt', en: 'not an SD-JWT serialisation', ko: 'SD-JWT 직렬화 형식이 아닙니다.' },
  sd_jwt_too_many_disclosures: {
    http: [400],
    area: 'sd_jwt',
    en: 'more disclosures than allowed',
    ko: '공개 정보(disclosure)가 허용된 개수보다 많습니다.',
  },
  sd_jwt_unexpected_kb: {
    http: [400],
    area: 'sd_jwt',
    en: 'a KB-JWT where none is expected',
    ko: '있어서는 안 되는 소지자 확인 서명(KB-JWT)이 붙어 있습니다.',
  },
  sd_jwt_disclosure_malformed: {
    http: [400],
    area: 'sd_jwt',
    en: 'a disclosure is not base64url JSON',
    ko: '공개 정보(disclosure)가 base64url로 인코딩된 JSON이 아닙니다.',
  },
  sd_jwt_disclosure_wrong_shape: {
    http: [400],
    area: 'sd_jwt',
    en: 'a disclosure has the wrong number or types of elements',
    ko: '공개 정보(disclosure)의 요소 개수나 유형이 올바르지 않습니다.',
  },
  sd_jwt_duplicate_disclosure: {
    http: [400],
    area: 'sd_jwt',
    en: 'the same disclosure twice',
    ko: '같은 공개 정보(disclosure)가 두 번 들어 있습니다.',
  },
  sd_jwt_unreferenced_disclosure: {
    http: [400],
    area: 'sd_jwt',
    en: 'a disclosure no digest refers to',
    ko: '어느 해시값(digest)도 가리키지 않는 공개 정보(disclosure)가 있습니다.',
  },
  sd_jwt_duplicate_digest: { http: [400], area: 'sd_jwt', en: 'the same digest twice', ko: '같은 해시값(digest)이 두 번 들어 있습니다.' },
  sd_jwt_reserved_claim_name: {
    http: [400],
    area: 'sd_jwt',
    en: 'a disclosure names _sd or ...',
    ko: '공개 정보(disclosure)가 예약된 이름(_sd 또는 ...)을 항목 이름으로 쓰고 있습니다.',
  },
  sd_jwt_claim_collision: {
    http: [400],
    area: 'sd_jwt',
    en: 'a disclosed claim name already exists',
    ko: '공개된 항목의 이름이 이미 있는 항목 이름과 겹칩니다.',
  },
  sd_jwt_invalid_sd_array: {
    http: [400],
    area: 'sd_jwt',
    en: '_sd is not an array of strings',
    ko: '해시값 목록(_sd)이 문자열 배열이 아닙니다.',
  },
  sd_jwt_invalid_array_digest: {
    http: [400],
    area: 'sd_jwt',
    en: 'an array element digest is malformed',
    ko: '배열 요소의 해시값(digest) 형식이 올바르지 않습니다.',
  },
  sd_jwt_bad_sd_alg: {
    http: [400],
    area: 'sd_jwt',
    en: '_sd_alg is not a supported hash',
    ko: '지원하지 않는 해시 알고리즘(_sd_alg)입니다.',
  },
  sd_jwt_too_deep: {
    http: [400],
    area: 'sd_jwt',
    en: 'disclosures nest deeper than allowed',
    ko: '공개 정보(disclosure)가 허용된 깊이보다 깊게 중첩되어 있습니다.',
  },
  sd_jwt_invalid_path: { http: [400], area: 'sd_jwt', en: 'a claim path is not valid', ko: '항목 경로가 올바르지 않습니다.' },

  // Key Binding JWT (RFC 9901 §4.3, §7.3)
  kb_jwt_missing: {
    http: [400],
    area: 'kb_jwt',
    en: 'the presentation has no KB-JWT',
    ko: '소지자 확인 서명이 없습니다. 휴대전화에서 다시 제시해 주십시오.',
  },
  kb_jwt_no_cnf: { http: [400], area: 'kb_jwt', en: 'the credential carries no cnf key', ko: '증명서에 소지자 키(cnf)가 없습니다.' },
  kb_jwt_bad_typ: {
    http: [400],
    area: 'kb_jwt',
    en: 'the KB-JWT typ is not kb+jwt',
    ko: '소지자 확인 서명(KB-JWT)의 유형(typ)이 kb+jwt가 아닙니다.',
  },
  kb_jwt_signature_invalid: {
    http: [400],
    area: 'kb_jwt',
    en: 'the KB-JWT is not signed by cnf.jwk',
    ko: '소지자 확인 서명(KB-JWT)이 증명서에 담긴 소지자 키(cnf.jwk)로 서명되지 않았습니다.',
  },
  kb_jwt_sd_hash_mismatch: {
    http: [400],
    area: 'kb_jwt',
    en: 'sd_hash does not match the presentation',
    ko: '제출 해시값(sd_hash)이 이번 제출과 맞지 않습니다.',
  },
  kb_jwt_nonce_mismatch: { http: [400], area: 'kb_jwt', en: 'the nonce is not the expected one', ko: '이 요청에 대한 제시가 아닙니다.' },
  kb_jwt_aud_mismatch: { http: [400], area: 'kb_jwt', en: 'the aud is another verifier', ko: '다른 검증기관을 위해 만든 제시입니다.' },
  kb_jwt_iat_invalid: {
    http: [400],
    area: 'kb_jwt',
    en: 'iat is too old or in the future',
    ko: 'QR이 만료되었거나 시각이 맞지 않습니다. 새 QR을 요청하십시오.',
  },

  kb_jwt_time_invalid: {
    http: [400],
    area: 'kb_jwt',
    en: "the KB-JWT's own exp has passed or its nbf is still ahead (or either is not a number)",
    ko: '소지자 확인 서명의 유효 시간이 지났거나 아직 시작되지 않았습니다. 휴대전화에서 다시 제시해 주십시오.',
  },

  // SD-JWT VC (draft-ietf-oauth-sd-jwt-vc)
  sd_jwt_vc_bad_typ: { http: [400], area: 'sd_jwt_vc', en: 'typ is not dc+sd-jwt', ko: '토큰 유형(typ)이 dc+sd-jwt가 아닙니다.' },
  sd_jwt_vc_vct_missing: { http: [400], area: 'sd_jwt_vc', en: 'vct is missing', ko: '증명서 종류(vct)가 없습니다.' },
  sd_jwt_vc_iss_missing: { http: [400], area: 'sd_jwt_vc', en: 'iss is missing', ko: '발급기관 식별자(iss)가 없습니다.' },
  sd_jwt_vc_claim_not_disclosable: {
    http: [400],
    area: 'sd_jwt_vc',
    en: 'a claim that must stay visible was made disclosable',
    ko: '항상 드러나 있어야 하는 항목을 선택 공개 대상으로 만들었습니다.',
  },
  sd_jwt_vc_reserved_claim: {
    http: [400],
    area: 'sd_jwt_vc',
    en: 'the claims hold a registered JWT claim name',
    ko: '항목 가운데 JWT 표준에 등록된 이름을 쓴 것이 있습니다.',
  },
  sd_jwt_vc_cnf_invalid: { http: [400], area: 'sd_jwt_vc', en: 'cnf is not { jwk }', ko: '소지자 키(cnf)가 { jwk } 형식이 아닙니다.' },
  sd_jwt_vc_status_invalid: {
    http: [400],
    area: 'sd_jwt_vc',
    en: 'status is malformed',
    ko: '상태 정보(status)의 형식이 올바르지 않습니다.',
  },

  // Token Status List (draft-ietf-oauth-status-list)
  status_list_bad_bits: {
    http: [400],
    area: 'status_list',
    en: 'bits is not 1, 2, 4 or 8 (§4.1)',
    ko: '상태 목록의 비트 수(bits)가 1, 2, 4, 8 중 하나가 아닙니다.',
  },
  status_list_malformed: {
    http: [400],
    area: 'status_list',
    en: 'lst is not strict base64url of one ZLIB stream, or a bad list size',
    ko: '상태 목록 값(lst)이 ZLIB 스트림 하나를 엄격한 base64url로 인코딩한 것이 아니거나, 목록 크기가 올바르지 않습니다.',
  },
  status_list_bad_compression: {
    http: [400],
    area: 'status_list',
    en: 'lst is not a valid ZLIB/DEFLATE stream',
    ko: '상태 목록 값(lst)이 올바른 ZLIB/DEFLATE 압축 데이터가 아닙니다.',
  },
  status_list_too_large: {
    http: [400],
    area: 'status_list',
    en: 'the list inflates past its cap, or its token is over the fetch cap (§11.1)',
    ko: '상태 목록의 압축을 풀면 허용 크기를 넘거나, 상태 목록 토큰이 가져올 수 있는 크기를 넘습니다.',
  },
  status_value_out_of_range: {
    http: [400],
    area: 'status_list',
    en: 'a status value does not fit in bits (§7)',
    ko: '상태 값이 지정된 비트 수(bits)에 들어가지 않습니다.',
  },
  status_index_out_of_range: {
    http: [400],
    area: 'status_list',
    en: 'an index is negative, not an integer or past the end (§8.3)',
    ko: '상태 목록의 위치 번호가 음수이거나, 정수가 아니거나, 목록 끝을 넘습니다.',
  },
  status_list_token_bad_typ: {
    http: [400],
    area: 'status_list',
    en: 'the Status List Token typ is not statuslist+jwt (§5.1)',
    ko: '상태 목록 토큰의 유형(typ)이 statuslist+jwt가 아닙니다.',
  },
  status_list_token_missing_claim: {
    http: [400],
    area: 'status_list',
    en: 'sub, iat or status_list is missing (§5.1)',
    ko: '상태 목록 토큰에 대상 주소(sub), 발행 시각(iat), 상태 목록(status_list) 중 빠진 것이 있습니다.',
  },
  status_list_token_bad_claim: {
    http: [400],
    area: 'status_list',
    en: 'a Status List Token claim has the wrong JSON type',
    ko: '상태 목록 토큰의 값 중 JSON 유형이 잘못된 것이 있습니다.',
  },
  status_list_token_sub_mismatch: {
    http: [400],
    area: 'status_list',
    en: 'sub is not the URI the token was fetched from (§8.3)',
    ko: '상태 목록 토큰의 대상 주소(sub)가 토큰을 가져온 URI와 다릅니다.',
  },
  status_list_token_expired: {
    http: [400],
    area: 'status_list',
    en: 'the Status List Token exp has passed (§8.3)',
    ko: '상태 목록 토큰의 만료 시각(exp)이 지났습니다.',
  },
  status_list_token_not_yet_valid: {
    http: [400],
    area: 'status_list',
    en: 'the Status List Token nbf is in the future (§5.1, RFC 7519)',
    ko: '상태 목록 토큰의 효력 시작 시각(nbf)이 아직 오지 않았습니다.',
  },
  status_list_token_bad_ttl: {
    http: [400],
    area: 'status_list',
    en: 'ttl is not a positive number (§5.1)',
    ko: '상태 목록 토큰의 캐시 유지 시간(ttl)이 양수가 아닙니다.',
  },
  status_reference_missing: {
    http: [400],
    area: 'status_list',
    en: 'the token has no status.status_list (§6.1)',
    ko: '토큰에 상태 목록 참조(status.status_list)가 없습니다.',
  },
  status_reference_malformed: {
    http: [400],
    area: 'status_list',
    en: 'status.status_list idx or uri is malformed (§6.2)',
    ko: '상태 목록 참조(status.status_list)의 위치 번호(idx)나 주소(uri) 형식이 올바르지 않습니다.',
  },

  // VC-JWT (W3C VC Data Model 2.0 secured with JOSE, VC-JOSE-COSE)
  vc_jwt_malformed: {
    http: [400],
    area: 'vc_jwt',
    en: 'not three base64url segments of JSON objects',
    ko: 'VC-JWT가 JSON 객체를 base64url로 인코딩한 세 부분으로 이루어져 있지 않습니다.',
  },
  vc_jwt_bad_alg: { http: [400], area: 'vc_jwt', en: 'alg missing or none', ko: '서명 알고리즘(alg)이 없거나 none입니다.' },
  vc_jwt_bad_typ: { http: [400], area: 'vc_jwt', en: 'typ is not vc+jwt', ko: '토큰 유형(typ)이 vc+jwt가 아닙니다.' },
  vc_jwt_legacy_claim: {
    http: [400],
    area: 'vc_jwt',
    en: 'a vc or vp JWT claim (VC-JOSE-COSE §3.1.3)',
    ko: '쓸 수 없는 vc 또는 vp JWT 항목이 들어 있습니다.',
  },
  vc_jwt_bad_context: {
    http: [400],
    area: 'vc_jwt',
    en: '@context missing or not the v2 context first',
    ko: '문맥(@context)이 없거나 첫 번째 값이 v2 문맥이 아닙니다.',
  },
  vc_jwt_bad_type: {
    http: [400],
    area: 'vc_jwt',
    en: 'type missing or lacks VerifiableCredential',
    ko: '유형(type)이 없거나 VerifiableCredential을 포함하지 않습니다.',
  },
  vc_jwt_bad_id: { http: [400], area: 'vc_jwt', en: 'id is not a URL', ko: '식별자(id)가 URL이 아닙니다.' },
  vc_jwt_bad_issuer: { http: [400], area: 'vc_jwt', en: 'issuer missing or not a URL', ko: '발급기관(issuer)이 없거나 URL이 아닙니다.' },
  vc_jwt_iss_mismatch: {
    http: [400],
    area: 'vc_jwt',
    en: 'iss differs from issuer',
    ko: '발급기관 식별자(iss)가 발급기관(issuer) 값과 다릅니다.',
  },
  vc_jwt_bad_subject: {
    http: [400],
    area: 'vc_jwt',
    en: 'credentialSubject missing, empty or not objects',
    ko: '증명 대상 정보(credentialSubject)가 없거나, 비어 있거나, 객체가 아닙니다.',
  },
  vc_jwt_bad_datetime: {
    http: [400],
    area: 'vc_jwt',
    en: 'validFrom or validUntil is not a dateTimeStamp',
    ko: '유효 시작일(validFrom) 또는 유효 종료일(validUntil)이 날짜·시각 형식(dateTimeStamp)이 아닙니다.',
  },
  vc_jwt_bad_validity_period: {
    http: [400],
    area: 'vc_jwt',
    en: 'validFrom is later than validUntil',
    ko: '유효 시작일(validFrom)이 유효 종료일(validUntil)보다 늦습니다.',
  },
  vc_jwt_bad_claim: {
    http: [400],
    area: 'vc_jwt',
    en: 'iat or exp is not a NumericDate',
    ko: '발행 시각(iat) 또는 만료 시각(exp)이 올바른 시각 값(NumericDate)이 아닙니다.',
  },
  vc_jwt_bad_status: {
    http: [400],
    area: 'vc_jwt',
    en: 'credentialStatus is malformed',
    ko: '상태 정보(credentialStatus)의 형식이 올바르지 않습니다.',
  },
  vc_jwt_status_mismatch: {
    http: [400],
    area: 'vc_jwt',
    en: 'credentialStatus and the status claim point at different entries',
    ko: '상태 정보(credentialStatus)와 상태 목록 참조(status)가 상태 목록의 서로 다른 위치를 가리킵니다.',
  },

  // ISO/IEC 18013-5 mdoc (src/formats/mdoc/): a DeviceResponse in an OpenID4VP vp_token (Annex B.2)
  mdoc_malformed: {
    http: [400],
    area: 'mdoc',
    en: 'not a base64url DeviceResponse of the ISO 18013-5 structure (one document, issuerSigned, deviceSigned)',
    ko: 'ISO 18013-5 구조(문서 하나, issuerSigned, deviceSigned)를 따르는 base64url 기기 응답(DeviceResponse)이 아닙니다.',
  },
  mdoc_cbor_malformed: {
    http: [400],
    area: 'mdoc',
    en: 'the CBOR is truncated, has bytes after it, reserved encodings or a text string that is not UTF-8',
    ko: 'CBOR 데이터가 잘렸거나, 뒤에 남는 바이트가 있거나, 예약된 인코딩을 쓰거나, UTF-8이 아닌 문자열이 있습니다.',
  },
  mdoc_cbor_too_large: {
    http: [400],
    area: 'mdoc',
    en: 'the DeviceResponse is larger than 192 kB, or holds more than 20,000 CBOR items',
    ko: '기기 응답(DeviceResponse)이 192 kB보다 크거나 CBOR 요소가 20,000개를 넘습니다.',
  },
  mdoc_cbor_too_deep: {
    http: [400],
    area: 'mdoc',
    en: 'the CBOR nests more than 24 levels (embedded CBOR counted)',
    ko: 'CBOR가 24단계보다 깊게 중첩되어 있습니다(내장 CBOR 포함).',
  },
  mdoc_cbor_too_wide: {
    http: [400],
    area: 'mdoc',
    en: 'a CBOR map or array has more than 1,024 entries, or a string is longer than the whole input',
    ko: 'CBOR 맵이나 배열의 요소가 1,024개를 넘거나, 문자열이 입력 전체보다 깁니다.',
  },
  mdoc_cbor_indefinite_length: {
    http: [400],
    area: 'mdoc',
    en: 'an indefinite-length CBOR item (ISO 18013-5 §8.1: definite lengths only)',
    ko: '길이가 정해지지 않은 CBOR 요소가 있습니다. ISO 18013-5에서는 길이가 정해진 요소만 쓸 수 있습니다.',
  },
  mdoc_cbor_duplicate_key: {
    http: [400],
    area: 'mdoc',
    en: 'a CBOR map has the same key twice (RFC 8949 §5.6)',
    ko: 'CBOR 맵에 같은 키가 두 번 들어 있습니다.',
  },
  mdoc_cbor_unexpected_tag: {
    http: [400],
    area: 'mdoc',
    en: 'a CBOR tag other than 0, 1004 or 24 (tdate, full-date, embedded CBOR; COSE structures come untagged)',
    ko: '허용되지 않는 CBOR 태그가 있습니다. 0(tdate), 1004(full-date), 24(내장 CBOR)만 쓸 수 있으며, COSE 구조에는 태그를 붙이지 않습니다.',
  },
  mdoc_document_count: {
    http: [400],
    area: 'mdoc',
    en: 'the DeviceResponse does not hold exactly one document',
    ko: '기기 응답(DeviceResponse)에 문서가 정확히 하나 들어 있지 않습니다.',
  },
  mdoc_device_response_error: {
    http: [400],
    area: 'mdoc',
    en: 'the wallet answered with an error instead of a document: DeviceResponse status 10 (general error), 11 (CBOR decoding error) or 12 (CBOR validation error), ISO 18013-5 §8.3.2.1.2.3',
    ko: '지갑이 증명서 대신 오류를 보냈습니다. 기기 응답(DeviceResponse)의 상태 값이 10(일반 오류), 11(CBOR 해석 오류) 또는 12(CBOR 검증 오류)입니다.',
  },
  mdoc_alg_not_allowed: {
    http: [400],
    area: 'mdoc',
    en: 'a COSE alg off the allow-list (ES256, ES384, EdDSA) or not fitting its key',
    ko: 'COSE 서명 알고리즘(alg)이 허용 목록(ES256, ES384, EdDSA)에 없거나 키에 맞지 않습니다.',
  },
  mdoc_x5chain_missing: {
    http: [400],
    area: 'mdoc',
    en: 'issuerAuth has no x5chain (document signer certificate)',
    ko: '발급기관 서명(issuerAuth)에 문서 서명 인증서 체인(x5chain)이 없습니다.',
  },
  mdoc_certificate_invalid: {
    http: [400],
    area: 'mdoc',
    en: 'a certificate of the x5chain is outside its validity, lacks its key usage, is not signed by the next one, breaks a pathLenConstraint (the IACA one included), or names another country than its IACA; or the MSO was signed outside the document signer validity',
    ko: '인증서 체인(x5chain)의 인증서 중 유효기간 밖이거나, 필요한 키 용도가 없거나, 다음 인증서로 서명되지 않았거나, 경로 길이 제한(pathLenConstraint, IACA의 제한 포함)을 넘거나, 발급 기관 루트 인증서(IACA)와 다른 국가를 적은 것이 있습니다. 또는 MSO가 문서 서명 인증서의 유효기간 밖에 서명되었습니다.',
  },
  mdoc_iaca_untrusted: {
    http: [400],
    area: 'mdoc',
    en: "the x5chain does not lead to a trusted IACA certificate (TRUSTED_IACA_CERTS or this service's own)",
    ko: '신뢰할 수 없는 발급기관의 증명서입니다.',
  },
  mdoc_issuer_signature_invalid: {
    http: [400],
    area: 'mdoc',
    en: 'the issuerAuth COSE_Sign1 signature does not verify with the document signer key',
    ko: '발급기관 서명(issuerAuth의 COSE_Sign1)이 문서 서명 인증서의 키로 검증되지 않습니다.',
  },
  mdoc_doctype_mismatch: {
    http: [400],
    area: 'mdoc',
    en: 'the document docType differs from the MSO docType',
    ko: '문서 종류(docType)가 MSO의 문서 종류와 다릅니다.',
  },
  mdoc_expired: { http: [400], area: 'mdoc', en: 'validityInfo.validUntil has passed', ko: '유효기간이 지난 증명서입니다.' },
  mdoc_not_yet_valid: {
    http: [400],
    area: 'mdoc',
    en: 'validityInfo.validFrom is in the future',
    ko: '아직 효력이 시작되지 않은 증명서입니다.',
  },
  mdoc_digest_missing: {
    http: [400],
    area: 'mdoc',
    en: 'a disclosed IssuerSignedItem has no digest in the MSO (namespace or digestID unknown)',
    ko: '공개된 항목(IssuerSignedItem)의 해시값이 MSO에 없습니다(네임스페이스 또는 digestID를 알 수 없음).',
  },
  mdoc_digest_mismatch: {
    http: [400],
    area: 'mdoc',
    en: 'a disclosed IssuerSignedItem does not match its digest in the MSO',
    ko: '공개된 항목(IssuerSignedItem)이 MSO에 있는 해시값과 맞지 않습니다.',
  },
  mdoc_device_key_invalid: {
    http: [400],
    area: 'mdoc',
    en: 'deviceKeyInfo.deviceKey is not a canonical P-256 or Ed25519 public key',
    ko: '기기 키(deviceKeyInfo.deviceKey)가 정규 형식의 P-256 또는 Ed25519 공개 키가 아닙니다.',
  },
  mdoc_device_signature_invalid: {
    http: [400],
    area: 'mdoc',
    en: "the DeviceSignature does not verify over this request's SessionTranscript (made for another request or verifier, or forged)",
    ko: '이 요청에 대한 제시가 아닙니다.',
  },
  mdoc_device_mac_unsupported: {
    http: [400],
    area: 'mdoc',
    en: 'device authentication by DeviceMac (only DeviceSignature is accepted)',
    ko: '기기 인증은 서명 방식(DeviceSignature)만 받으며, MAC 방식(DeviceMac)은 지원하지 않습니다.',
  },
  mdoc_session_transcript_unavailable: {
    http: [400],
    area: 'mdoc',
    en: 'an mdoc is verified only over OpenID4VP (the SessionTranscript needs the request), not at the counter',
    ko: 'mdoc은 OpenID4VP로만 검증할 수 있고 창구에서는 검증할 수 없습니다. 세션 기록(SessionTranscript)을 만들려면 요청이 필요합니다.',
  },
  mdoc_status_invalid: {
    http: [400],
    area: 'mdoc',
    en: 'the MSO status entry is not { status_list: { idx, uri } }',
    ko: 'MSO의 상태 정보(status)가 { status_list: { idx, uri } } 형식이 아닙니다.',
  },

  // Verification checks (src/verification/): the failed check's code in a verification result
  issuer_certificate_invalid: {
    http: [400],
    area: 'sd_jwt_vc',
    en: 'the x5c of an SD-JWT VC or status list token is not 1-5 certificates each signed by the next, its leaf is a CA or self-signed, it breaks a pathLenConstraint (the trust anchor one included), or it carries the trust anchor itself (HAIP 1.0 §6.1.1)',
    ko: '발급기관 인증서 체인이 올바르지 않은 증명서입니다. 받지 마십시오.',
  },
  issuer_certificate_untrusted: {
    http: [400],
    area: 'sd_jwt_vc',
    en: "the x5c of an SD-JWT VC or status list token does not lead to a trusted issuer CA (TRUSTED_ISSUER_CAS or this service's own)",
    ko: '신뢰하지 않는 인증기관이 인증한 발급기관의 증명서입니다.',
  },
  issuer_certificate_expired: {
    http: [400],
    area: 'sd_jwt_vc',
    en: 'a certificate of the x5c chain, or its trust anchor, is outside its validity',
    ko: '발급기관 인증서의 유효기간이 지났거나 아직 시작되지 않았습니다. 소지자에게 발급기관에 문의하도록 안내하십시오.',
  },
  issuer_certificate_usage_invalid: {
    http: [400],
    area: 'sd_jwt_vc',
    en: 'the issuer certificate (x5c leaf) does not state keyUsage digitalSignature',
    ko: '서명 용도가 아닌 발급기관 인증서로 서명된 증명서입니다. 받지 마십시오.',
  },
  issuer_certificate_san_mismatch: {
    http: [400],
    area: 'sd_jwt_vc',
    en: "the issuer certificate's subjectAltName does not name the token's iss (an https iss must be a URI SAN), or its CA may not certify that issuer",
    ko: '발급기관 인증서의 이름이 증명서의 발급기관과 다릅니다. 받지 마십시오.',
  },
  untrusted_issuer: {
    http: [400],
    area: 'verification',
    en: 'the issuer is not on the trust list',
    ko: '신뢰할 수 없는 발급기관의 증명서입니다.',
  },
  issuer_keys_unreachable: {
    http: [400],
    area: 'verification',
    en: 'the issuer keys could not be fetched',
    ko: '발급기관의 키를 가져오지 못했습니다. 잠시 후 다시 시도하십시오.',
  },
  credential_suspended: {
    http: [400],
    area: 'verification',
    en: 'the credential is suspended',
    ko: '효력이 정지된 증명서입니다. 받지 마십시오.',
  },
  credential_status_unknown: {
    http: [400],
    area: 'verification',
    en: 'the status value is neither VALID, INVALID nor SUSPENDED',
    ko: '증명서의 상태 값이 유효(VALID), 폐지(INVALID), 효력 정지(SUSPENDED) 중 어느 것도 아닙니다.',
  },
  status_list_unreachable: {
    http: [400],
    area: 'verification',
    en: 'the status list could not be fetched',
    ko: `${STATUS_ACT.suspend.ko}·${STATUS_ACT.revoke.ko} 여부를 확인할 수 없어 확인을 완료하지 못했습니다. 잠시 후 다시 시도하십시오.`,
  },
  status_list_uri_untrusted: {
    http: [400],
    area: 'verification',
    en: 'the status list is not on the issuer origin',
    ko: '상태 목록이 발급기관과 같은 출처(origin)에 있지 않습니다.',
  },
  status_list_signature_invalid: {
    http: [400],
    area: 'verification',
    en: 'the status list token is not signed by the issuer',
    ko: '상태 목록 토큰이 발급기관이 서명한 것이 아닙니다.',
  },
  holder_binding_unsupported: {
    http: [400],
    area: 'verification',
    en: 'holder binding is required but a VC-JWT carries no holder key',
    ko: '소지자 확인이 필요하지만 VC-JWT 증명서에는 소지자 키가 없습니다.',
  },
  nonce_invalid: {
    http: [400],
    area: 'verification',
    en: 'a counter presentation lacks the nonce the counter issued',
    ko: '창구 제출에 창구에서 만든 일회용 값(nonce)이 없습니다.',
  },
  nonce_not_issued: {
    http: [400],
    area: 'verification',
    en: 'the nonce was not issued by this verifier counter, or has expired',
    ko: '이 창구에서 만든 QR이 아니거나 창구 QR의 유효 시간이 지났습니다. 창구 QR을 다시 스캔하여 새 QR을 만들어 주십시오.',
  },
  nonce_reused: { http: [400], area: 'verification', en: 'the nonce was already used', ko: '이미 사용된 QR입니다. 새 QR을 요청하십시오.' },
  issuer_not_authorized_for_type: {
    http: [400],
    area: 'verification',
    en: 'the issuer is trusted, but not for this credential type',
    ko: '이 발급기관은 이 종류의 증명서를 발급할 권한이 없습니다. 받지 마십시오.',
  },
  format_not_accepted: {
    http: [400],
    area: 'verification',
    en: 'the credential is not in the asked format',
    ko: '요청한 형식의 증명서가 아닙니다.',
  },
  type_not_accepted: {
    http: [400],
    area: 'verification',
    en: 'the credential type was not asked for',
    ko: '요청한 종류의 증명서가 아닙니다.',
  },
  type_values_mismatch: {
    http: [400],
    area: 'verification',
    en: "the W3C credential's type does not hold every value of one DCQL meta.type_values set",
    ko: '요청한 종류(type_values)의 증명서가 아닙니다.',
  },
  issuer_not_accepted: {
    http: [400],
    area: 'verification',
    en: 'the issuer is not accepted by the policy',
    ko: '이 업무에서 받지 않는 발급기관입니다.',
  },
  trusted_authority_mismatch: {
    http: [400],
    area: 'verification',
    en: "no certificate of the credential's X.509 chain has an AuthorityKeyIdentifier the query's trusted_authorities (aki) names",
    ko: '요청에서 지정한 신뢰 기관이 발급한 증명서가 아닙니다.',
  },
  claim_missing: {
    http: [400],
    area: 'verification',
    en: 'a requested claim (or claim set) was not presented',
    ko: '요청한 항목이 제시되지 않았습니다.',
  },
  claim_value_mismatch: {
    http: [400],
    area: 'verification',
    en: 'a claim does not have an accepted value',
    ko: '허용된 값이 아닌 항목이 있습니다.',
  },
  fetch_failed: {
    http: [502],
    area: 'verification',
    en: 'a peer (issuer metadata, JWKS, status list) could not be reached or answered an error',
    ko: '상대 서버(발급기관 메타데이터, JWKS, 상태 목록)에 연결할 수 없거나 상대 서버가 오류로 응답했습니다.',
  },
  fetch_too_large: {
    http: [502],
    area: 'verification',
    en: 'a peer answered more than the fetch cap',
    ko: '상대 서버의 응답이 가져올 수 있는 크기를 넘었습니다.',
  },

  // The reference holder wallet (src/wallet/, dproof wallet ...)
  wallet_not_found: {
    http: [400],
    area: 'wallet',
    en: 'no wallet file (dproof wallet init)',
    ko: '지갑 파일이 없습니다. 먼저 지갑을 만드십시오 (dproof wallet init).',
  },
  wallet_exists: { http: [409], area: 'wallet', en: 'a wallet file is already there', ko: '지갑 파일이 이미 있습니다.' },
  wallet_corrupt: { http: [400], area: 'wallet', en: 'the wallet file is not a wallet', ko: '올바른 지갑 파일이 아닙니다.' },
  wallet_insecure: {
    http: [400],
    area: 'wallet',
    en: 'the wallet file can be read by other users',
    ko: '다른 사용자가 지갑 파일을 읽을 수 있습니다. 본인만 읽을 수 있도록 파일 권한을 바꾸십시오.',
  },
  invalid_offer_link: {
    http: [400],
    area: 'wallet',
    en: 'not an openid-credential-offer link',
    ko: '발급 제안 링크(openid-credential-offer)가 아닙니다.',
  },
  tx_code_required: {
    http: [400],
    area: 'wallet',
    en: 'the offer needs the transaction code (--tx-code)',
    ko: '이 발급 제안에는 거래 코드(tx_code)가 필요합니다. --tx-code로 입력하십시오.',
  },
  receive_failed: {
    http: [502],
    area: 'wallet',
    en: 'the issuer answered something a wallet must refuse',
    ko: '발급기관이 지갑이 받아들일 수 없는 응답을 보냈습니다.',
  },
  present_failed: {
    http: [502],
    area: 'wallet',
    en: 'the verifier answered something a wallet must refuse',
    ko: '검증기관이 지갑이 받아들일 수 없는 응답을 보냈습니다.',
  },
  answer_too_large: {
    http: [502],
    area: 'wallet',
    en: 'a peer answered more bytes than a wallet reads',
    ko: '상대 서버의 응답이 지갑이 읽을 수 있는 크기보다 큽니다.',
  },
  invalid_request_file: {
    http: [400],
    area: 'wallet',
    en: 'the DC API request given to the wallet is missing, too large or not JSON',
    ko: '지갑에 준 DC API 요청이 없거나, 너무 크거나, JSON이 아닙니다.',
  },
  dc_api_request_invalid: {
    http: [400],
    area: 'wallet',
    en: 'the DC API request given to the wallet is JSON but not one it answers: no { protocol, data } entry, a protocol other than openid4vp-v1-signed/-unsigned, no dc_api response_mode, nonce or DCQL query, no encryption key for dc_api.jwt, or a signed one without a compact JWS, client_id or expected_origins',
    ko: '지갑에 준 DC API 요청은 JSON이지만 지갑이 응답할 수 있는 요청이 아닙니다. { protocol, data } 요소, openid4vp-v1-signed/-unsigned 프로토콜, dc_api 응답 방식(response_mode), nonce, DCQL 질의, dc_api.jwt용 암호화 키, 또는 서명된 요청의 compact JWS·client_id·expected_origins 중 빠지거나 맞지 않는 것이 있습니다.',
  },
  dc_api_origin_not_expected: {
    http: [400],
    area: 'wallet',
    en: "a signed DC API request's expected_origins does not hold the calling page's origin (replayed by another site?)",
    ko: '이 요청은 다른 사이트에서 보낸 것입니다. 제출하지 않았습니다.',
  },
  credential_not_in_wallet: {
    http: [400],
    area: 'wallet',
    en: 'no credential with this id in the wallet',
    ko: '지갑에 이 식별자(id)의 증명서가 없습니다.',
  },
  not_presentable: {
    http: [400],
    area: 'wallet',
    en: 'the credential cannot be shown as a counter QR',
    ko: '이 증명서는 창구 QR로 보여 줄 수 없습니다.',
  },
  nothing_disclosed: {
    http: [400],
    area: 'wallet',
    en: 'a counter QR must disclose at least one claim',
    ko: '창구 QR에는 공개할 항목이 하나 이상 있어야 합니다. 항목을 고르십시오.',
  },
  portrait_in_qr: { http: [400], area: 'wallet', en: 'a portrait does not fit in a QR', ko: '사진은 QR에 담을 수 없습니다.' },
  invalid_challenge: {
    http: [400],
    area: 'wallet',
    en: 'the counter challenge is not valid',
    ko: '창구에서 받은 확인 요청(challenge)이 올바르지 않습니다.',
  },
  qr_too_large: {
    http: [400],
    area: 'wallet',
    en: 'the chosen claims do not fit in a counter QR; choose fewer, or show the small engagement QR',
    ko: '고른 항목이 QR 하나에 담기지 않습니다. 항목을 줄이거나 작은 연결 QR을 보여 주십시오.',
  },
  invalid_batch: { http: [400], area: 'cli', en: '--batch is not a positive integer', ko: '--batch 값은 양의 정수여야 합니다.' },
  invalid_wait: { http: [400], area: 'cli', en: '--wait is not a whole number of seconds', ko: '--wait 값은 초 단위의 정수여야 합니다.' },
  invalid_out: { http: [400], area: 'cli', en: '--out is not a writable file name', ko: '--out 값이 쓸 수 있는 파일 이름이 아닙니다.' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Codes whose catalogue entry lists HTTP status `S`: `badRequest` takes only `ErrorCodeWith<400>`. */
export type ErrorCodeWith<S extends number> = {
  [K in ErrorCode]: S extends (typeof ERROR_CATALOGUE)[K]['http'][number] ? K : never;
}[ErrorCode];

/** Codes of one area, in catalogue order. */
export type ErrorCodeOf<A extends ErrorArea> = {
  [K in ErrorCode]: (typeof ERROR_CATALOGUE)[K]['area'] extends A ? K : never;
}[ErrorCode];

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CATALOGUE, code);

export const errorEntry = (code: ErrorCode): ErrorEntry => ERROR_CATALOGUE[code];

export function codesOfArea<A extends ErrorArea>(...areas: A[]): ErrorCodeOf<A>[] {
  return ERROR_CODES.filter((c) => (areas as ErrorArea[]).includes(ERROR_CATALOGUE[c].area)) as ErrorCodeOf<A>[];
}

// The pure formats keep their own code lists (they import nothing outside src/formats); these
// lines fail to compile unless those lists and the catalogue's areas hold exactly the same codes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const formatCodesCatalogued: Same<FormatErrorCode, ErrorCodeOf<'jose' | 'jwt' | 'sd_jwt' | 'kb_jwt' | 'sd_jwt_vc' | 'mdoc'>> = true;
const statusListCodesCatalogued: Same<StatusListErrorCode, ErrorCodeOf<'status_list'>> = true;
const vcJwtCodesCatalogued: Same<VcJwtErrorCode, ErrorCodeOf<'vc_jwt'>> = true;
void [formatCodesCatalogued, statusListCodesCatalogued, vcJwtCodesCatalogued];
