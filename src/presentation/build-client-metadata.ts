/**
 * `client_metadata` of a request object (OpenID4VP 1.0 §5.1, §11.1) built from parts, each owned
 * by its own concern: the formats we accept (verifier-identity.ts), the response encryption key
 * (response-encryption/), who asks (verifier identity). Later parts add members; a part never
 * removes one.
 */
import type { JsonObject } from '../formats/jose/types.js';

export function buildClientMetadata(...parts: JsonObject[]): JsonObject {
  const metadata: JsonObject = {};
  for (const part of parts) Object.assign(metadata, part);
  return metadata;
}
