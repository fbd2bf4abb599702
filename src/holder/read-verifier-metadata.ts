/**
 * Who asks and why, as a wallet reads it from a verified request object (OpenID4VP 1.0 §5.1):
 * `client_metadata.client_name` and the purpose in `verifier_info` under our format name. Pure:
 * the CLI wallet and the web wallet show the same fields any other wallet can read.
 */
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const PURPOSE_INFO_FORMAT = 'urn:digital-proof:verifier-info:purpose';

/** The purpose a wallet shows, read back from verifier_info (our format), or null. */
export function readPurpose(request: Json): { ko?: string; en?: string } | null {
  const info = Array.isArray(request.verifier_info) ? request.verifier_info : [];
  for (const entry of info) {
    if (!isObj(entry) || entry.format !== PURPOSE_INFO_FORMAT || !isObj(entry.data) || !isObj(entry.data.purpose)) continue;
    const p = entry.data.purpose;
    return { ...(typeof p.ko === 'string' && { ko: p.ko }), ...(typeof p.en === 'string' && { en: p.en }) };
  }
  return null;
}

/**
 * client_metadata.logo_uri (RFC 7591 §2), or null: only an absolute https URL without user or
 * password is passed on (a wallet loads it as an image; anything else is dropped, not shown).
 */
export function readLogoUri(request: Json): string | null {
  const m = request.client_metadata;
  if (!isObj(m) || typeof m.logo_uri !== 'string' || m.logo_uri.length > 512) return null;
  try {
    const u = new URL(m.logo_uri);
    return u.protocol === 'https:' && u.username === '' && u.password === '' ? u.href : null;
  } catch {
    return null;
  }
}

/** client_metadata.client_name, or null. */
export function readClientName(request: Json): string | null {
  const m = request.client_metadata;
  return isObj(m) && typeof m.client_name === 'string' ? m.client_name : null;
}
