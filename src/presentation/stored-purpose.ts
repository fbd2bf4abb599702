/**
 * The verifier's `purpose` as it is kept (request object, receipts, the holder's history): the
 * two languages of the `Purpose` API schema (schemas/api/purpose.json, which has already refused
 * other members, over-long text and control, format and bidirectional characters), in NFC.
 * Built member by member so nothing else a caller sent can ride along into what is stored.
 */
import type { LocalizedText } from '../catalog/types.js';

export const storedPurpose = (p: LocalizedText | null | undefined): string | null =>
  p ? JSON.stringify({ ko: p.ko.normalize('NFC'), en: p.en.normalize('NFC') }) : null;
