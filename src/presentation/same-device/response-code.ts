/**
 * Same-device session binding (OpenID4VP 1.0 §13.3 "Session Fixation", §8.2; HAIP 1.0 §5.1).
 *
 * A request made with `redirect_uri` (the verifier's frontend, in the browser that started it)
 * is a same-device request: once the wallet's answer is processed, the Response URI answers
 * `redirect_uri: <frontend>#response_code=<128 random bits>` (§8.2: "a fresh, cryptographically
 * random value"; a fragment, so it reaches the page and no server log), and the verifier API
 * hands the request's result only to a caller that presents that response_code (§13.3: "the
 * Verifier's Response URI MUST require the frontend to pass the respective Response Code when
 * fetching the Authorization Response"). A relayed request answered on a victim's device sends
 * the code to the victim's browser, never to the attacker's session that polls for the result:
 * HAIP §5.1 "reject presentations if Wallets do not follow the redirect back or the redirect back
 * arrives in a different user session".
 *
 * Only the hash of the code is stored, bound to its request (single-use value table, kind
 * `response_code`, until the result is purged): another request's code, or one read from the
 * database, does not open this result.
 */
import { randomBytes, hash } from 'node:crypto';
import { forbidden } from '../../errors.js';
import type { VerifierRequestRecord } from '../../store/repositories/verifier-requests-repo.js';
import type { PresentationDeps } from '../presentation-deps.js';

const CODE = /^[A-Za-z0-9_-]{22}$/;
const codeHash = (requestId: string, code: string): string => hash('sha256', `response_code|${requestId}|${code}`, 'base64url');

/** After the answer to a same-device request was processed: the redirect_uri with a fresh response_code. */
export async function issueResponseCode(deps: Pick<PresentationDeps, 'store'>, rec: VerifierRequestRecord): Promise<string> {
  const code = randomBytes(16).toString('base64url');
  await deps.store.nonces.consume(codeHash(rec.id, code), 'response_code', rec.purge_at);
  return `${rec.redirect_uri}#response_code=${code}`;
}

/**
 * Before a result is shown: a same-device request's answer is read with its response_code only.
 * A pending (or expired, unanswered) request has nothing to leak, so its status reads without one;
 * a code that is presented is always checked (another request's code never reads this one).
 */
export async function checkResponseCode(
  deps: Pick<PresentationDeps, 'store'>,
  rec: VerifierRequestRecord,
  code: string | undefined,
  now: number,
): Promise<void> {
  if (rec.redirect_uri === null) return;
  if (code === undefined || code === '') {
    if (rec.responded_at === null) return;
    throw forbidden(
      'response_code_required',
      'this same-device request was answered: read its result with the response_code the wallet brought back to your page',
    );
  }
  if (!CODE.test(code) || !(await deps.store.nonces.isLive(codeHash(rec.id, code), now))) {
    throw forbidden(
      'response_code_mismatch',
      "this response_code is not the one given with this request's answer: the answer did not come back to this session",
    );
  }
}
