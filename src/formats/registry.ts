/**
 * The credential formats this service knows, by id, and which of them a presentation is in.
 * Adding a format is: a folder with its adapter, and one line here. ISO mdoc (`mso_mdoc`) is both
 * issued and verified (src/formats/mdoc/adapter.ts joins its two halves).
 */
import type { CredentialIssuance, CredentialVerification } from './credential-format.js';
import { formatError } from './error-codes.js';
import { mdocFormat } from './mdoc/adapter.js';
import { sdJwtVcFormat } from './sd-jwt-vc/adapter.js';
import { vcJwtFormat } from './vc-jwt/adapter.js';

/** Verified, in detection order: the first adapter that recognises a presentation parses it (mdoc before VC-JWT, which takes any other compact text). */
const VERIFIED_FORMATS = [sdJwtVcFormat, mdocFormat, vcJwtFormat] as const;
/** Issued. */
const FORMATS = [sdJwtVcFormat, vcJwtFormat, mdocFormat] as const;

/** Ids of the formats that have an issuing adapter. */
export type FormatId = (typeof FORMATS)[number]['id'];
/** Ids of the formats a presentation may be in. */
export type VerifiedFormatId = (typeof VERIFIED_FORMATS)[number]['id'];

/** The format issued when a request names none. */
export const DEFAULT_FORMAT: FormatId = sdJwtVcFormat.id;

/** A registered issuing adapter, its id narrowed to the registered ids. */
export type RegisteredFormat = CredentialIssuance<FormatId>;
export type RegisteredVerification = CredentialVerification<unknown, VerifiedFormatId>;

export const CREDENTIAL_FORMATS: readonly RegisteredFormat[] = FORMATS;

const byId = new Map<string, RegisteredFormat>(FORMATS.map((f) => [f.id, f]));
const verifiedById = new Map<string, RegisteredVerification>(
  (VERIFIED_FORMATS as readonly CredentialVerification<never, VerifiedFormatId>[]).map((f) => [f.id, f as RegisteredVerification]),
);

/** The issuing adapter of `id`, or undefined for a format with no such adapter. */
export function credentialFormat(id: string): RegisteredFormat | undefined {
  return byId.get(id);
}

/** The verifying adapter of `id`, or undefined. */
export function verificationFormat(id: string): RegisteredVerification | undefined {
  return verifiedById.get(id);
}

export interface DetectedPresentation {
  format: RegisteredVerification;
  parsed: unknown;
}

/**
 * Loads the code of the formats that may read `text` and load it on first use (ISO mdoc);
 * undefined when there is none to load. Await it before detectPresentationFormat.
 */
export function loadPresentationParsers(text: unknown): Promise<unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  const loading = [...verifiedById.values()].map((f) => f.loadParser?.(text)).filter((p) => p !== undefined);
  return loading.length > 0 ? Promise.all(loading) : undefined;
}

/** Finds the format of a presented credential and parses it (no crypto yet); loadPresentationParsers first. */
export function detectPresentationFormat(text: unknown): DetectedPresentation {
  if (typeof text !== 'string' || text.length === 0) throw formatError('sd_jwt_malformed', 'empty presentation');
  for (const format of verifiedById.values()) {
    const parsed: unknown = format.parsePresentation(text);
    if (parsed !== undefined) return { format, parsed };
  }
  // No adapter recognised it: a bare JWT of another `typ` is never an SD-JWT (RFC 9901 §4).
  throw formatError('sd_jwt_malformed', 'a bare JWT is not an SD-JWT');
}
