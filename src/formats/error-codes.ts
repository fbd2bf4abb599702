/**
 * Every stable error code the pure format code (JOSE, SD-JWT, SD-JWT VC, ISO mdoc) can throw.
 *
 * Tests assert these codes, never messages; an error catalogue and the OpenAPI document can be
 * checked against this list. `formatError` only accepts a code from the list, so a new rule
 * cannot ship without its code being catalogued here.
 */
import { FormatError } from './format-error.js';

export const FORMAT_ERROR_CODES = [
  // JOSE: compact JWS structure and signatures (RFC 7515, RFC 8725bis)
  'jws_malformed',
  'jws_alg_not_allowed',
  'jws_crit_unsupported',
  'jws_b64_unsupported',
  'jws_typ_mismatch',
  'jws_key_not_found',
  'jws_key_alg_mismatch',
  'jws_key_invalid',
  'jws_signature_invalid',
  'jws_signer_output_invalid',
  // X.509 chains in x5c (RFC 7515 §4.1.6, RFC 5280; OpenID4VP 1.0 §5.9.3)
  'certificate_invalid',
  'certificate_chain_invalid',
  'certificate_expired',
  // JWT time claims (RFC 7519 §4.1.4-4.1.6)
  'jwt_time_claim_invalid',
  'jwt_expired',
  'jwt_not_yet_valid',
  'jwt_iat_in_future',
  'jwt_iat_too_old',
  'jwt_exp_missing',
  'jwt_iat_missing',
  // SD-JWT (RFC 9901)
  'sd_jwt_malformed',
  'sd_jwt_too_many_disclosures',
  'sd_jwt_unexpected_kb',
  'sd_jwt_disclosure_malformed',
  'sd_jwt_disclosure_wrong_shape',
  'sd_jwt_duplicate_disclosure',
  'sd_jwt_unreferenced_disclosure',
  'sd_jwt_duplicate_digest',
  'sd_jwt_reserved_claim_name',
  'sd_jwt_claim_collision',
  'sd_jwt_invalid_sd_array',
  'sd_jwt_invalid_array_digest',
  'sd_jwt_bad_sd_alg',
  'sd_jwt_too_deep',
  'sd_jwt_invalid_path',
  // Key Binding JWT (RFC 9901 §4.3, §7.3)
  'kb_jwt_missing',
  'kb_jwt_no_cnf',
  'kb_jwt_bad_typ',
  'kb_jwt_signature_invalid',
  'kb_jwt_sd_hash_mismatch',
  'kb_jwt_nonce_mismatch',
  'kb_jwt_aud_mismatch',
  'kb_jwt_iat_invalid',
  'kb_jwt_time_invalid',
  // SD-JWT VC (draft-ietf-oauth-sd-jwt-vc)
  'sd_jwt_vc_bad_typ',
  'sd_jwt_vc_vct_missing',
  'sd_jwt_vc_iss_missing',
  'sd_jwt_vc_claim_not_disclosable',
  'sd_jwt_vc_reserved_claim',
  'sd_jwt_vc_cnf_invalid',
  'sd_jwt_vc_status_invalid',
  // SD-JWT VC / Status List Token issuer x5c (HAIP 1.0 §6.1.1, SD-JWT VC "Inline X.509 Certificates")
  'issuer_certificate_invalid',
  'issuer_certificate_untrusted',
  'issuer_certificate_expired',
  'issuer_certificate_usage_invalid',
  'issuer_certificate_san_mismatch',
  // ISO/IEC 18013-5 mdoc (mso_mdoc) over OpenID4VP 1.0 Annex B.2 (src/formats/mdoc/)
  'mdoc_malformed',
  'mdoc_cbor_malformed',
  'mdoc_cbor_too_large',
  'mdoc_cbor_too_deep',
  'mdoc_cbor_too_wide',
  'mdoc_cbor_indefinite_length',
  'mdoc_cbor_duplicate_key',
  'mdoc_cbor_unexpected_tag',
  'mdoc_document_count',
  'mdoc_device_response_error',
  'mdoc_alg_not_allowed',
  'mdoc_x5chain_missing',
  'mdoc_certificate_invalid',
  'mdoc_iaca_untrusted',
  'mdoc_issuer_signature_invalid',
  'mdoc_doctype_mismatch',
  'mdoc_expired',
  'mdoc_not_yet_valid',
  'mdoc_digest_missing',
  'mdoc_digest_mismatch',
  'mdoc_device_key_invalid',
  'mdoc_device_signature_invalid',
  'mdoc_device_mac_unsupported',
  'mdoc_session_transcript_unavailable',
  'mdoc_status_invalid',
] as const;

export type FormatErrorCode = (typeof FORMAT_ERROR_CODES)[number];

/** Builds the error to throw; `throw formatError('jws_malformed', '...')`. */
export const formatError = (code: FormatErrorCode, message: string): FormatError => new FormatError(code, message);
