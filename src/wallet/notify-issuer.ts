/**
 * OpenID4VCI §11: tell the issuer the credentials of one response were stored (`credential_accepted`),
 * once they are in the wallet file. Best effort (§11: the issuer cannot count on it): a failure
 * is reported to the caller, never undoes the stored credentials. A DPoP-bound token is sent with
 * the DPoP scheme and a proof for the notification endpoint, retried once with the server's nonce
 * when it asks for one (RFC 9449 §7, §9).
 */
import { fetchForWallet } from './wallet-http.js';
import { createDpopProof, type DpopSession } from './dpop-calls.js';

export async function notifyIssuer(
  f: typeof fetch,
  endpoint: string,
  accessToken: string,
  notificationId: string,
  event: 'credential_accepted' | 'credential_failure' | 'credential_deleted',
  dpop?: DpopSession,
): Promise<boolean> {
  try {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: dpop ? `DPoP ${accessToken}` : `Bearer ${accessToken}`,
        ...(dpop && { dpop: await createDpopProof(dpop, 'POST', endpoint, accessToken) }),
      };
      const r = await fetchForWallet(
        f,
        endpoint,
        { method: 'POST', headers, body: JSON.stringify({ notification_id: notificationId, event }), accept: 'application/json' },
        'notification endpoint',
      );
      const given = r.headers.get('dpop-nonce');
      if (dpop && given) dpop.nonce = given;
      if (dpop && attempt === 0 && given && r.status === 401 && /use_dpop_nonce/.test(r.text)) continue;
      return r.status >= 200 && r.status < 300;
    }
  } catch {
    return false;
  }
}
