/**
 * The holder's DeviceResponse (ISO/IEC 18013-5 §8.3.2.1.2.2) for one OpenID4VP 1.0 request
 * (Annex B.2.4), with no Node built-ins so the CLI wallet (node:crypto) and the web wallet
 * (crypto.subtle) assemble the same bytes and differ only in how they sign:
 *
 * - the asked IssuerSignedItems, byte for byte as issued (their digests are over those bytes);
 * - empty DeviceNameSpaces;
 * - a DeviceSignature: a COSE_Sign1 (ES256, RFC 9053 §2.1) with a detached payload over
 *   DeviceAuthenticationBytes (§9.1.3.4) with the request's SessionTranscript.
 */
import { DataItem } from '@owf/mdoc';
import type { ClaimPathPointer } from '../claim-path/claim-path-pointer.js';
import { deviceAuthenticationBytes, wrapTag24 } from './build-device-authentication.js';
import { encodeCbor } from './encode-cbor.js';
import { sigStructure } from './sig-structure.js';
import { PROTECTED_ES256 } from './sign-cose-sign1.js';

/** The parts of a held IssuerSigned a DeviceResponse carries. */
export interface HeldIssuerSigned {
  docType: string;
  nameSpaces: Map<string, DataItem[]>;
  /** The issuerAuth COSE_Sign1 array, passed on untouched. */
  issuerAuth: unknown;
}

export interface DeviceResponseDraft {
  /** RFC 9052 §4.4 Sig_structure the device key signs (ES256). */
  toBeSigned: Uint8Array;
  /** The encoded DeviceResponse around the device key's r‖s signature of `toBeSigned`. */
  finish(signature: Uint8Array): Uint8Array;
}

const elementOf = (d: DataItem) => (d.data as Map<string, unknown>).get('elementIdentifier');

/** Exactly the `[namespace, element]` pointers of `disclose`; namespaces left empty are dropped. */
function selectItems(nameSpaces: Map<string, DataItem[]>, disclose: readonly ClaimPathPointer[]): Map<string, DataItem[]> {
  const wanted = new Set(disclose.map((p) => JSON.stringify(p)));
  const kept = new Map<string, DataItem[]>();
  for (const [ns, list] of nameSpaces) {
    const items = list.filter((d) => wanted.has(JSON.stringify([ns, elementOf(d)])));
    if (items.length > 0) kept.set(ns, items);
  }
  return kept;
}

/** What to sign for this request and how to wrap the signature into the DeviceResponse. */
export function draftDeviceResponse(
  held: HeldIssuerSigned,
  disclose: readonly ClaimPathPointer[],
  sessionTranscript: Uint8Array,
): DeviceResponseDraft {
  const emptyNameSpaces = encodeCbor(new Map());
  const payload = deviceAuthenticationBytes(held.docType, wrapTag24(emptyNameSpaces), sessionTranscript);
  const toBeSigned = sigStructure(PROTECTED_ES256, payload);
  const finish = (signature: Uint8Array): Uint8Array => {
    const document = new Map<string, unknown>([
      ['docType', held.docType],
      [
        'issuerSigned',
        new Map<string, unknown>([
          ['nameSpaces', selectItems(held.nameSpaces, disclose)],
          ['issuerAuth', held.issuerAuth],
        ]),
      ],
      [
        'deviceSigned',
        new Map<string, unknown>([
          ['nameSpaces', DataItem.fromBuffer(emptyNameSpaces)],
          ['deviceAuth', new Map([['deviceSignature', [PROTECTED_ES256, new Map(), null, signature]]])],
        ]),
      ],
    ]);
    return encodeCbor(
      new Map<string, unknown>([
        ['version', '1.0'],
        ['documents', [document]],
        ['status', 0],
      ]),
    );
  };
  return { toBeSigned, finish };
}
