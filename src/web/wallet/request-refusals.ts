/**
 * The web wallet's own refusals of a verifier's request (its did:web signature, its parameters),
 * one sentence each in words a holder acts on: the Korean says what is wrong and whether to
 * present, with no parameter name; the English keeps the protocol detail for support. The
 * X.509 and origin refusals are the glossary's (REQUEST_REFUSAL). Pure: tests read it too.
 */
import type { Text } from '../shared/i18n.js';

const NOT_FROM_VERIFIER = '이 요청은 요청에 적힌 검증기관이 보낸 것이 아닙니다. 제출하지 마십시오.';

export const WALLET_REQUEST_REFUSAL = {
  did_not_a_host: {
    ko: '요청에 적힌 검증기관 식별자가 올바르지 않습니다. 제출하지 마십시오.',
    en: 'The did:web identifier is not a host name. Do not present.',
  },
  did_document_other: {
    ko: '검증기관이 공개한 키 문서가 요청에 적힌 검증기관의 것이 아닙니다. 제출하지 마십시오.',
    en: 'The DID document is for another DID. Do not present.',
  },
  key_not_published: {
    ko: `요청에 서명한 키를 검증기관이 공개하지 않았습니다. ${NOT_FROM_VERIFIER}`,
    en: 'The request is signed with a key the verifier does not publish. Do not present.',
  },
  published_key_invalid: {
    ko: '검증기관이 공개한 키가 올바른 공개 키가 아닙니다. 제출하지 마십시오.',
    en: 'The verifier publishes a key that is not a valid public key. Do not present.',
  },
  not_signed_request: {
    ko: '서명된 요청이 아닙니다. 제출하지 마십시오.',
    en: 'The request object is not a signed oauth-authz-req+jwt. Do not present.',
  },
  signed_by_another: {
    ko: `요청에 다른 곳이 서명했습니다. ${NOT_FROM_VERIFIER}`,
    en: 'The request is signed by another DID than the verifier it names. Do not present.',
  },
  client_id_differs: {
    ko: `요청 안에 적힌 검증기관이 링크에 적힌 검증기관과 다릅니다. ${NOT_FROM_VERIFIER}`,
    en: 'The client_id of the request object differs from the link. Do not present.',
  },
  unsupported_response_mode: {
    ko: '이 지갑이 지원하지 않는 방식으로 응답을 받으려는 요청입니다.',
    en: 'Only response_mode direct_post or direct_post.jwt (dc_api or dc_api.jwt over the Digital Credentials API) is supported.',
  },
  unsupported_response_type: {
    ko: '이 지갑이 지원하지 않는 종류의 요청입니다.',
    en: 'Only response_type vp_token is supported.',
  },
  unsupported_protocol: {
    ko: '이 지갑이 지원하지 않는 요청 방식입니다.',
    en: 'This Digital Credentials API protocol is not supported.',
  },
  data_not_object: {
    ko: '브라우저가 전달한 요청을 읽을 수 없습니다.',
    en: 'The request data is not an object.',
  },
  signed_without_request: {
    ko: '서명된 요청이라고 했지만 요청 내용이 없습니다.',
    en: 'A signed request without request.',
  },
  signed_without_client: {
    ko: '서명된 요청에 검증기관 식별자가 없습니다. 제출하지 마십시오.',
    en: 'A signed request without client_id. Do not present.',
  },
  unsigned_names_client: {
    ko: '서명하지 않은 요청이 검증기관을 밝히고 있습니다. 제출하지 마십시오.',
    en: 'An unsigned request names a client_id. Do not present.',
  },
  encryption_key_unusable: {
    ko: '검증기관의 암호화 키를 쓸 수 없습니다.',
    en: "The verifier's encryption key cannot be used.",
  },
  nonce_missing: {
    ko: '요청에 일회용 확인 값이 없습니다. 검증 창구에 새 QR을 요청하십시오.',
    en: 'The request has no nonce.',
  },
  state_not_string: {
    ko: '요청의 상태 값이 올바르지 않습니다. 검증 창구에 새 QR을 요청하십시오.',
    en: 'The request’s state is not a string.',
  },
  state_missing: {
    ko: '기기에 묶이지 않은 증명서를 요청하면서 상태 값을 주지 않았습니다. 검증 창구에 새 QR을 요청하십시오.',
    en: 'The request asks for a credential without holder binding and has no state.',
  },
  query_unreadable: {
    ko: '요청에 담긴 확인 항목을 읽을 수 없습니다. 검증 창구에 문의하십시오.',
    en: 'The request cannot be read.',
  },
} as const satisfies Record<string, Text>;

export type WalletRequestRefusal = keyof typeof WALLET_REQUEST_REFUSAL;
