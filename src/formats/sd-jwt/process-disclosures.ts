/** RFC 9901 §7.1 steps 2.5–5 on the server: Disclosures decoded and hashed, then applied (apply-disclosures.ts). */
import type { JsonObject } from '../jose/types.js';
import { processIndexedDisclosures, type ProcessedSdJwt } from './apply-disclosures.js';
import { checkSdAlg } from './sd-alg.js';
import { indexDisclosures } from './decode-disclosure.js';

export { processIndexedDisclosures, type AppliedDisclosure, type ClaimPath, type ProcessedSdJwt } from './apply-disclosures.js';

export function processDisclosures(payload: JsonObject, disclosures: readonly string[]): ProcessedSdJwt {
  checkSdAlg(payload); // §7.1 step 2.5, before any digest is computed
  return processIndexedDisclosures(payload, indexDisclosures(disclosures));
}
