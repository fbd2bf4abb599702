/**
 * The credential formats this service knows, by id, and which of them a presentation is in.
 * Adding a format (ISO mdoc next) is: a folder with its adapter, and one line in FORMATS.
 */
import type { CredentialFormat } from './credential-format.js';
import { formatError } from './error-codes.js';
import { sdJwtVcFormat } from './sd-jwt-vc/adapter.js';
import { vcJwtFormat } from './vc-jwt/adapter.js';

/** In detection order: the first adapter that recognises a presentation parses it. */
const FORMATS = [sdJwtVcFormat, vcJwtFormat] as const;

/** Ids of the formats that have an adapter (the catalogue may name more, e.g. `mso_mdoc`). */
export type FormatId = (typeof FORMATS)[number]['id'];

/** The format issued when a request names none. */
export const DEFAULT_FORMAT: FormatId = sdJwtVcFormat.id;

/** A registered adapter, its id narrowed to the registered ids. */
export type RegisteredFormat = CredentialFormat<unknown, FormatId>;

export const CREDENTIAL_FORMATS: readonly RegisteredFormat[] = FORMATS;

const byId = new Map<string, RegisteredFormat>(FORMATS.map((f) => [f.id, f]));

/** The adapter of `id`, or undefined for a format with no adapter. */
export function credentialFormat(id: string): RegisteredFormat | undefined {
  return byId.get(id);
}

export interface DetectedPresentation {
  format: RegisteredFormat;
  parsed: unknown;
}

/** Finds the format of a presented credential and parses it (no crypto yet). */
export function detectPresentationFormat(text: unknown): DetectedPresentation {
  if (typeof text !== 'string' || text.length === 0) throw formatError('sd_jwt_malformed', 'empty presentation');
  for (const format of FORMATS) {
    const parsed: unknown = format.parsePresentation(text);
    if (parsed !== undefined) return { format, parsed };
  }
  // No adapter recognised it: a bare JWT of another `typ` is never an SD-JWT (RFC 9901 §4).
  throw formatError('sd_jwt_malformed', 'a bare JWT is not an SD-JWT');
}
