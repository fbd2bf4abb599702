/** Decodes Disclosures (RFC 9901 §4.2.1, §4.2.2) and indexes them by digest (§7.1 step 3.1). */
import { formatError } from '../error-codes.js';
import { decodeBase64url } from '../jose/base64url.js';
import { sdDigest } from './compute-digest.js';
import { readDisclosure, type Disclosure } from './read-disclosure.js';

export type { Disclosure } from './read-disclosure.js';

export function decodeDisclosure(encoded: string): Disclosure {
  // §4.2.1: base64url of the UTF-8 bytes of a JSON array (strict: no padding, no stray chars).
  return readDisclosure(encoded, sdDigest(encoded), decodeBase64url(encoded, 'sd_jwt_disclosure_malformed'));
}

/** Decodes every Disclosure; the same Disclosure twice is rejected (RFC 9901 §4, §7.1 step 4). */
export function indexDisclosures(disclosures: readonly string[]): Map<string, Disclosure> {
  const index = new Map<string, Disclosure>();
  for (const encoded of disclosures) {
    const d = decodeDisclosure(encoded);
    // §4: "A Holder MUST NOT ... send a Disclosure more than once"; equal text ⇒ equal digest.
    if (index.has(d.digest)) throw formatError('sd_jwt_duplicate_disclosure', 'the same disclosure appears twice');
    index.set(d.digest, d);
  }
  return index;
}
