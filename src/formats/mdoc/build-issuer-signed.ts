/**
 * Builds an ISO/IEC 18013-5 `IssuerSigned` (§8.3.2.1.2.2) from a catalogue type's claims, as CBOR
 * written directly with cbor-x (every structure as @owf/mdoc would encode it; tests decode ours
 * with @owf/mdoc and compare) and our `Signer` (file or HSM) for the COSE_Sign1:
 *
 * - one IssuerSignedItem per data element, each with its own 32-byte random salt (§9.1.2.5: at
 *   least 16) and a digestID from a random permutation, so ids say nothing about element order;
 * - the MSO (§9.1.2.4, build-mso.ts): SHA-256 `valueDigests` of every IssuerSignedItemBytes,
 *   `docType`, `validityInfo` (signed = validFrom = the issuance time rounded down to the hour, as
 *   our other formats round `iat`; validUntil = the credential's expiry), `deviceKeyInfo` with the
 *   holder's P-256 key as a COSE_Key, and `status` with the IETF Token Status List reference
 *   (`{ status_list: { idx, uri } }`, draft-ietf-oauth-status-list §6.3, ISO mdoc binding);
 * - `issuerAuth` (§9.1.2.4, sign-cose-sign1.ts): COSE_Sign1 ES256 (alg -7, protected) over the
 *   tagged MSO, with the document signer certificate in `x5chain` (label 33, unprotected; the IACA
 *   is the trust anchor a verifier holds, Annex B).
 */
import { hash, randomInt } from 'node:crypto';
import { DataItem } from '@owf/mdoc';
import type { JWK } from 'jose';
import type { RandomSource } from '../clock.js';
import { cryptoRandom } from '../clock.js';
import type { Signer } from '../jose/signer.js';
import type { StatusListReference } from '../status-list/status-list-reference.js';
import { wrapTag24 } from './build-device-authentication.js';
import { buildElementValue, type ElementEncodings } from './build-element-value.js';
import { buildMsoBytes } from './build-mso.js';
import { encodeCbor } from './encode-cbor.js';
import { ITEM_SALT_BYTES } from './mdoc-constants.js';
import { signCoseSign1 } from './sign-cose-sign1.js';

export interface BuildIssuerSignedInput {
  docType: string;
  /** Namespace → the data element names it holds, in order (the catalogue's mdoc layout). */
  namespaces: Readonly<Record<string, readonly string[]>>;
  encodings: ElementEncodings;
  /** Subject claims (caller-supplied and derived); an element whose claim is absent is left out. */
  claims: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch. */
  signedAt: number;
  validUntil: number;
  /** The holder's checked P-256 public key (OpenID4VCI proof key). */
  deviceJwk: JWK;
  status: StatusListReference;
  signer: Signer;
  /** DER certificates, the document signer's first. */
  x5chain: readonly Uint8Array[];
  random?: RandomSource;
}

/** Fisher–Yates over 0..n-1 with the CSPRNG: unique digestIDs in no meaningful order. */
function shuffledIds(n: number): number[] {
  const ids = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

/** The CBOR `IssuerSigned` (§8.3.2.1.2.2). */
export async function buildIssuerSigned(input: BuildIssuerSignedInput): Promise<Uint8Array> {
  if (input.signer.alg !== 'ES256') throw new TypeError('mdoc document signers are ES256 (P-256) keys');
  const random = input.random ?? cryptoRandom;
  const present = Object.entries(input.namespaces).map(
    ([ns, elements]) => [ns, elements.filter((e) => input.claims[e] !== undefined)] as const,
  );
  const ids = shuffledIds(present.reduce((n, [, e]) => n + e.length, 0));
  // Each IssuerSignedItem is encoded once: its IssuerSignedItemBytes (#6.24) both go into the
  // digest and are carried as they are in the IssuerSigned (@owf/mdoc would encode it again).
  const items = new Map<string, DataItem[]>();
  const digests = new Map<string, Map<number, Uint8Array>>();
  for (const [ns, elements] of present) {
    if (elements.length === 0) continue;
    const list = elements.map((element) => {
      const digestId = ids.pop()!;
      // IssuerSignedItem (§8.3.2.1.2.2), in @owf/mdoc's key order, our inputs already checked.
      const item = new Map<string, unknown>([
        ['digestID', digestId],
        ['random', random(ITEM_SALT_BYTES)],
        ['elementIdentifier', element],
        ['elementValue', buildElementValue(input.claims[element], element, input.encodings)],
      ]);
      return { digestId, bytes: encodeCbor(item) };
    });
    items.set(
      ns,
      list.map((i) => DataItem.fromBuffer(i.bytes)),
    );
    // §9.1.2.5: the digest is over IssuerSignedItemBytes = #6.24(bstr .cbor IssuerSignedItem).
    digests.set(ns, new Map(list.map((i) => [i.digestId, new Uint8Array(hash('sha256', wrapTag24(i.bytes), 'buffer'))])));
  }

  const msoBytes = buildMsoBytes({
    docType: input.docType,
    valueDigests: digests,
    signedAt: input.signedAt,
    validUntil: input.validUntil,
    deviceJwk: input.deviceJwk,
    status: input.status,
  });
  // ISO 18013-5 §9.1.3.6 with our document signers: P-256 keys (ES256) only.
  if (input.signer.alg !== 'ES256') throw new TypeError('COSE_Sign1 here is ES256 (P-256) only');
  const issuerAuth = await signCoseSign1(msoBytes, input.x5chain, input.signer);
  // §8.3.2.1.2.2 IssuerSigned = { nameSpaces, issuerAuth }, as @owf/mdoc's IssuerSigned encodes it.
  return encodeCbor(
    new Map<string, unknown>([
      ['nameSpaces', items],
      ['issuerAuth', issuerAuth],
    ]),
  );
}
