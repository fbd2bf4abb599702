/**
 * The holder-shown engagement QR: `dproof-engage:<handle>`, a one-time handle of 128 random bits
 * (22 base64url characters), 36 bytes in all: a version-3 QR at level M, which any phone camera
 * reads off a screen at once. Pure (no server code): the web wallet writes it, the verifier page
 * and the CLI read it. The handle carries nothing about the holder or the credential.
 */
export const ENGAGEMENT_SCHEME = 'dproof-engage:';
const HANDLE = /^[A-Za-z0-9_-]{22}$/;

export const engagementLink = (handle: string): string => `${ENGAGEMENT_SCHEME}${handle}`;

export const isEngagementHandle = (text: string): boolean => HANDLE.test(text);

/** The handle in `text` (`dproof-engage:<handle>`), or undefined when it is not one. */
export function parseEngagementLink(text: string): string | undefined {
  const s = text.trim();
  if (!s.startsWith(ENGAGEMENT_SCHEME)) return undefined;
  const handle = s.slice(ENGAGEMENT_SCHEME.length);
  return isEngagementHandle(handle) ? handle : undefined;
}
