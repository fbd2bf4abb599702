/**
 * What the signed MSO (ISO/IEC 18013-5 §9.1.2.4) says about the document, checked after the
 * issuer signature verified: its docType is the document's, its validity window holds at the
 * verifier's clock, every disclosed IssuerSignedItem matches its digest, and its `status`
 * entry (Token Status List, COSE Referenced Token §6.3; the MSO `status` of draft -15 §6.3.2).
 */
import { hash as cryptoHash } from 'node:crypto';
import type { TimeCheckOptions } from '../credential-format.js';
import { formatError } from '../error-codes.js';
import { checkStatusListReference, type StatusListReference } from '../status-list/status-list-reference.js';
import type { ParsedMdoc } from './parse-device-response.js';

const HASHES = new Map([
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

/** §9.1.2.4: the document's docType is the one the issuer signed. */
export function checkDocType(p: ParsedMdoc): void {
  if (p.mso.docType !== p.docType) throw formatError('mdoc_doctype_mismatch', 'the document docType is not the MSO docType');
}

/** §9.3.1 step 6: validFrom ≤ now < validUntil, with the tolerated skew. */
export function checkMsoValidity(p: ParsedMdoc, { clock, skewSeconds }: TimeCheckOptions): void {
  const now = clock.now();
  const { validFrom, validUntil } = p.mso.validityInfo;
  // A tdate that is no date (NaN) would pass every comparison below: refused outright.
  if (!Number.isFinite(validFrom.getTime()) || !Number.isFinite(validUntil.getTime()))
    throw formatError('mdoc_malformed', 'validityInfo holds a tdate that is not a date');
  if (now + skewSeconds * 1000 < validFrom.getTime()) throw formatError('mdoc_not_yet_valid', 'validityInfo.validFrom is in the future');
  if (now - skewSeconds * 1000 >= validUntil.getTime()) throw formatError('mdoc_expired', 'validityInfo.validUntil has passed');
}

/** §9.3.1 step 4: the digest of each IssuerSignedItemBytes, as received, is in valueDigests. */
export function checkItemDigests(p: ParsedMdoc): void {
  const hash = HASHES.get(p.mso.digestAlgorithm);
  if (!hash) throw formatError('mdoc_malformed', 'the MSO digestAlgorithm is not SHA-256, SHA-384 or SHA-512');
  for (const item of p.items) {
    const expected = p.mso.valueDigests.getDigestForNamespace(item.namespace, item.digestId);
    if (!expected) throw formatError('mdoc_digest_missing', `${item.namespace}/${item.elementIdentifier} has no digest in the MSO`);
    const actual = cryptoHash(hash, item.itemBytes, 'buffer');
    if (!actual.equals(expected))
      throw formatError('mdoc_digest_mismatch', `${item.namespace}/${item.elementIdentifier} does not match its digest`);
  }
}

/** The MSO `status` → `status_list` → `{ idx, uri }`, or undefined when the MSO has none. */
export function readMsoStatus(p: ParsedMdoc): StatusListReference | undefined {
  const status = p.msoStatus;
  if (status === undefined) return undefined;
  const list = status instanceof Map ? status.get('status_list') : undefined;
  if (!(list instanceof Map)) throw formatError('mdoc_status_invalid', 'status is not { status_list: { idx, uri } }');
  try {
    return checkStatusListReference({ idx: list.get('idx'), uri: list.get('uri') });
  } catch {
    throw formatError('mdoc_status_invalid', 'status_list idx or uri is malformed');
  }
}
