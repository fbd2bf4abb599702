/**
 * Who asks and why, in the standard request parameters every wallet reads (OpenID4VP 1.0):
 * `client_metadata` (§5.1, §11.1: `client_name`, `logo_uri`, `vp_formats_supported`; RFC 7591 §2:
 * the client's name and the https logo its operator registered, clients/check-logo-uri.ts) and
 * `verifier_info` (§5.1): a non-empty array of attestations about the verifier; ours carries the
 * purpose under a collision-resistant format name. It is bound to the request by the request
 * object's signature. The former private claims (`dproof_verifier_name`, `dproof_purpose`) are
 * gone: our CLI and web wallets read these fields.
 */
import type { JsonObject } from '../../formats/jose/types.js';
import { VP_FORMATS_SUPPORTED } from '../verifier-identity.js';
import { PURPOSE_INFO_FORMAT } from '../../holder/read-verifier-metadata.js';

export function verifierMetadata(client: { name: string; logoUri?: string | null } | undefined, purposeJson: string | null): JsonObject {
  const clientMetadata: JsonObject = { vp_formats_supported: VP_FORMATS_SUPPORTED as unknown as JsonObject };
  if (client?.name) clientMetadata.client_name = client.name;
  if (client?.logoUri) clientMetadata.logo_uri = client.logoUri;
  const out: JsonObject = { client_metadata: clientMetadata };
  if (purposeJson) out.verifier_info = [{ format: PURPOSE_INFO_FORMAT, data: { purpose: JSON.parse(purposeJson) as JsonObject } }];
  return out;
}
