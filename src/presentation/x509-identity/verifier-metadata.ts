/**
 * Who asks and why, in the standard request parameters every wallet reads (OpenID4VP 1.0):
 * `client_metadata` (§5.1, §11.1: `client_name`, `vp_formats_supported`; RFC 7591 §2) and
 * `verifier_info` (§5.1): a non-empty array of attestations about the verifier; ours carries the
 * purpose under a collision-resistant format name. It is bound to the request by the request
 * object's signature. The former private claims (`dproof_verifier_name`, `dproof_purpose`) are
 * gone: our CLI and web wallets read these fields.
 */
import type { JsonObject } from '../../formats/jose/types.js';
import { VP_FORMATS_SUPPORTED } from '../verifier-identity.js';

export const PURPOSE_INFO_FORMAT = 'urn:digital-proof:verifier-info:purpose';

export function verifierMetadata(clientName: string | null, purposeJson: string | null): JsonObject {
  const clientMetadata: JsonObject = { vp_formats_supported: VP_FORMATS_SUPPORTED as unknown as JsonObject };
  if (clientName) clientMetadata.client_name = clientName;
  const out: JsonObject = { client_metadata: clientMetadata };
  if (purposeJson) out.verifier_info = [{ format: PURPOSE_INFO_FORMAT, data: { purpose: JSON.parse(purposeJson) as JsonObject } }];
  return out;
}

/** The purpose a wallet shows, read back from verifier_info (our format), or null. */
export function readPurpose(request: JsonObject): { ko?: string; en?: string } | null {
  const info = Array.isArray(request.verifier_info) ? request.verifier_info : [];
  for (const entry of info) {
    if (entry && typeof entry === 'object' && !Array.isArray(entry) && (entry as JsonObject).format === PURPOSE_INFO_FORMAT) {
      const data = (entry as JsonObject).data;
      const purpose = data && typeof data === 'object' && !Array.isArray(data) ? (data as JsonObject).purpose : undefined;
      if (purpose && typeof purpose === 'object' && !Array.isArray(purpose)) {
        const p = purpose as JsonObject;
        return {
          ...(typeof p.ko === 'string' && { ko: p.ko }),
          ...(typeof p.en === 'string' && { en: p.en }),
        };
      }
    }
  }
  return null;
}

/** client_metadata.client_name, or null. */
export function readClientName(request: JsonObject): string | null {
  const m = request.client_metadata;
  return m && typeof m === 'object' && !Array.isArray(m) && typeof (m as JsonObject).client_name === 'string'
    ? ((m as JsonObject).client_name as string)
    : null;
}
