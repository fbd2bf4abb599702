/**
 * OpenID4VCI §11: tell the issuer the credentials of one response were stored (`credential_accepted`),
 * once they are in the wallet file. Best effort (§11: the issuer cannot count on it): a failure
 * is reported to the caller, never undoes the stored credentials.
 */
import { fetchForWallet } from './wallet-http.js';

export async function notifyIssuer(
  f: typeof fetch,
  endpoint: string,
  accessToken: string,
  notificationId: string,
  event: 'credential_accepted' | 'credential_failure' | 'credential_deleted',
): Promise<boolean> {
  try {
    const r = await fetchForWallet(
      f,
      endpoint,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ notification_id: notificationId, event }),
        accept: 'application/json',
      },
      'notification endpoint',
    );
    return r.status >= 200 && r.status < 300;
  } catch {
    return false;
  }
}
