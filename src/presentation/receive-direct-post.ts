/**
 * The Response URI (OpenID4VP 1.0 §8.2, response_mode `direct_post`): the wallet posts
 * `vp_token` (a JSON object keyed by DCQL credential query id, §8.1) and `state`, or an error.
 *
 * Story: known `state` (§14.3.2: checks it names a recent request) → not expired → parse
 * vp_token → take the request with ONE conditional update (a second answer, or a replay, finds
 * it taken) → match the DCQL query (§8.6 step 1, §6.4) → verify every presentation through the
 * one pipeline with our nonce and client identifier (§14.2: nonce and aud bound) → store the
 * result for the verifier, a receipt per presentation, and fire the webhook.
 */
import { requestRefusal, type RequestRefusal } from './request-refusals.js';
import { parseJsonText } from '../formats/jose/parse-json.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { verifyPresentation } from '../verification/verify-presentation.js';
import type { VerificationReport } from '../verification/verification-types.js';
import { parseDcqlQuery, policyForQuery, satisfiesCredentialSets } from './parse-dcql-query.js';
import type { PresentationDeps } from './presentation-deps.js';
import { buildReceipt } from './record-receipt.js';
import type { ReceiptRecord } from '../store/repositories/receipts-repo.js';
import { sendWebhook } from './send-webhook.js';
import { responseUri, verifierClientId } from './verifier-identity.js';
import { walletErrorCode } from './wallet-error-code.js';
import { clerkMessageForCode } from '../verdict/clerk-messages.js';
import { checkResponseShape, readResponseBody } from './response-encryption/read-response-body.js';
import type { VerifierRequestRecord } from '../store/repositories/verifier-requests-repo.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';

const STATE = /^[A-Za-z0-9_-]{22}$/;
const MAX_PRESENTATIONS = 16;

/** OAuth-shaped refusals (RFC 6749 §5.2 / OpenID4VP §8.5 codes), each saying why in both languages. */
const invalidRequest = (which: RequestRefusal, detail?: string) =>
  requestRefusal('invalid_request', which, { ...(detail !== undefined && { detail }) });

export interface StoredPresentationResult {
  verdict: VerificationReport['verdict'];
  code: string;
  verdict_message: { ko: string; en: string };
  /** Per DCQL credential query id, one entry per presentation. */
  credentials: Record<string, JsonObject[]>;
  receipts: string[];
  wallet_error?: string;
}

/**
 * Annex B.1: a VC-JWT cannot disclose selectively, so the wallet sent the whole credential. The
 * result still keeps only the asked claims (what reaches the verifier client stays minimal) and
 * says, here and in each credential's `disclosure`, that more was sent than was asked.
 */
const WHOLE_CREDENTIAL_MESSAGE = {
  ko: '확인되었습니다. 이 증명서(VC-JWT)는 항목을 골라 보낼 수 없어 전체가 제출되었습니다. 요청한 항목만 표시됩니다.',
  en: 'Verified. This credential (VC-JWT) cannot disclose items selectively, so it was sent whole. Only the requested items are shown.',
};

function reportView(r: VerificationReport): JsonObject {
  const view: JsonObject = {
    verdict: r.verdict,
    code: r.code,
    message: { ...r.message },
    checks: r.checks.map((c) => ({ ...c })),
    credential: r.credential ? { ...r.credential } : null,
  };
  if (r.claims) view.claims = r.claims;
  if (r.wholeCredential) view.disclosure = { selective: false, carried: [...r.wholeCredential.carried] };
  return view;
}

export async function receiveDirectPost(
  deps: PresentationDeps,
  form: Record<string, unknown>,
): Promise<{ status: 'verified' | 'rejected'; state: string }> {
  // §8.3.1: direct_post.jwt carries the parameters inside one JWE (`response`).
  const read = await readResponseBody(deps, form);
  const body = read.params;
  // The key names its request: a DC API request's key is refused here before anything else.
  if (read.key !== undefined) await checkResponseShape(deps, read.key.request_id, read);
  const state = body.state;
  if (typeof state !== 'string' || !STATE.test(state)) throw invalidRequest('stateMalformed');
  const rec = await deps.store.verifierRequests.byState(state);
  if (!rec) throw invalidRequest('stateUnknown');
  const now = deps.clock.now();
  if (now >= rec.expires_at) throw invalidRequest('expired');
  if (rec.responded_at !== null) throw invalidRequest('answered');
  await checkResponseShape(deps, rec.id, read);
  // §8.6 / §14.1: the KB-JWT aud is the client identifier the request was made under (did:web or X.509).
  // Annex B.2.6.1: an encrypted answer's SessionTranscript names the verifier key it was encrypted to.
  const { status } = await answerRequest(deps, rec, body, rec.verifier_client_id ?? verifierClientId(deps.config.publicUrl), now, {
    responseUri: responseUri(deps.config.publicUrl),
    ...(read.encryptionJkt !== undefined && { responseEncryptionJkt: read.encryptionJkt }),
  });
  return { status, state };
}

/**
 * The answer to one request, whatever carried it (direct_post here, the DC API in
 * dc-api/receive-dc-api-response.ts): the wallet's error, or the vp_token verified with the
 * request's nonce and `aud` (our client identifier; `origin:<origin>` over the DC API).
 */
export async function answerRequest(
  deps: PresentationDeps,
  rec: VerifierRequestRecord,
  body: Record<string, unknown>,
  aud: string,
  now: number,
  /**
   * What else a presentation is bound to in an mdoc's OpenID4VP SessionTranscript: the Response
   * URI (redirect, B.2.6.1) or the origin (DC API, B.2.6.2) and, for direct_post.jwt / dc_api.jwt,
   * the thumbprint of the key it was encrypted to.
   */
  binding: { responseUri?: string; responseEncryptionJkt?: string; dcApiOrigin?: string } = {},
): Promise<{ status: 'verified' | 'rejected' }> {
  // §8.5: the wallet may answer with an error (the user declined, no matching credential). An
  // answer that is both an error and a presentation says neither; it is refused and the request
  // stays open for the wallet's real answer.
  if (body.error !== undefined && body.vp_token !== undefined) throw invalidRequest('errorAndVpToken');
  // A revoked verifier client's open requests end with its key: no holder's claims are taken
  // (nor a refusal recorded in a history) for a client that can never read them.
  const client = await deps.store.clients.get(rec.client_id);
  if (client && client.revokedAt !== null) throw invalidRequest('verifierRevoked');
  if (typeof body.error === 'string') {
    const error = body.error;
    if (!(await deps.store.verifierRequests.take(rec.id, now))) throw invalidRequest('answered');
    await releaseOnFault(deps, rec.id, now, () => finish(deps, rec, walletErrorResult(error), now));
    return { status: 'rejected' };
  }

  if (typeof body.vp_token !== 'string') throw invalidRequest('vpTokenMissing');
  let vpToken: unknown;
  try {
    vpToken = parseJsonText(body.vp_token, 'jws_malformed');
  } catch (e) {
    // Say which rule the JSON broke (a member twice, too deep, __proto__), not only that it is not an object.
    throw invalidRequest('vpTokenNotObject', `vp_token is not a JSON object: ${e instanceof Error ? e.message : 'invalid JSON'}`);
  }
  if (!isJsonObject(vpToken)) throw invalidRequest('vpTokenNotObject');
  // What can fail without the wallet's doing is done before the take: the client (above) and its
  // query are read, and receipts will be signable (SECURITY.md "Faults": nothing left half-consumed).
  const query = parseDcqlQuery(
    JSON.parse(rec.dcql_query),
    deps.catalog,
    client ?? { id: rec.client_id, name: '', role: 'verifier', types: null, keyHash: '', rateLimit: null, createdAt: 0, revokedAt: null },
  );
  if (client) deps.keys.assertCanSign(deps.config.keyAlg);
  if (!(await deps.store.verifierRequests.take(rec.id, now))) throw invalidRequest('answeredOrExpired');
  const verdict = await releaseOnFault(deps, rec.id, now, async () => {
    const { result, receiptRecords } = await verifyAnswer(deps, rec, vpToken, { client, query, aud, binding });
    await finish(deps, rec, result, now, receiptRecords);
    return result.verdict;
  });
  return { status: verdict };
}

/**
 * Runs what follows a take; when it fails (a store or signer fault: verdicts do not throw), the
 * take is given back before the fault is answered (503), so the wallet can post again.
 */
async function releaseOnFault<T>(deps: PresentationDeps, id: string, takenAt: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    try {
      await deps.store.verifierRequests.release(id, takenAt);
    } catch {
      // The store is down: the request stays taken and reads as expired once its time is over.
    }
    throw e;
  }
}

function walletErrorResult(error: string): StoredPresentationResult {
  return {
    verdict: 'rejected',
    code: walletErrorCode(error),
    verdict_message: { ko: '지갑에서 제출을 거절했습니다.', en: 'The wallet declined to present.' },
    credentials: {},
    receipts: [],
    wallet_error: error.slice(0, 64),
  };
}

/**
 * Verifies every presentation of `vpToken` against the request's query; a signed receipt per
 * presentation, stored by finish() with the result in one unit: a fault between them would
 * otherwise leave receipts of an answer that is given back and posted again (twice in the
 * holder's history).
 */
async function verifyAnswer(
  deps: PresentationDeps,
  rec: VerifierRequestRecord,
  vpToken: JsonObject,
  o: {
    client: ApiClient | undefined;
    query: ReturnType<typeof parseDcqlQuery>;
    aud: string;
    binding: { responseUri?: string; responseEncryptionJkt?: string; dcApiOrigin?: string };
  },
): Promise<{ result: StoredPresentationResult; receiptRecords: ReceiptRecord[] }> {
  const { client, query, aud, binding } = o;
  const purpose = rec.purpose ? (JSON.parse(rec.purpose) as { ko: string; en: string }) : null;
  const credentials: Record<string, JsonObject[]> = {};
  const receipts: string[] = [];
  const receiptRecords: ReceiptRecord[] = [];
  let failure: string | undefined;
  let count = 0;
  const reports: VerificationReport[] = [];

  for (const [queryId, value] of Object.entries(vpToken)) {
    const q = query.credentials.find((c) => c.id === queryId);
    // §8.1: keys are credential query ids; an unknown key is not an answer to this request.
    if (!q) {
      failure ??= 'vp_token_unknown_query';
      continue;
    }
    // §8.1: each value is an array of one or more presentations (a bare string is not one).
    if (!Array.isArray(value)) {
      failure ??= 'vp_token_not_array';
      continue;
    }
    const list: unknown[] = value;
    // §8.1: without `multiple`, exactly one presentation.
    if (list.length === 0 || (!q.multiple && list.length > 1) || count + list.length > MAX_PRESENTATIONS) {
      failure ??= 'vp_token_wrong_count';
      continue;
    }
    // §8.1: each presentation is a string (an SD-JWT, a JWT, a base64url mdoc DeviceResponse).
    if (!list.every((p) => typeof p === 'string')) {
      failure ??= 'vp_token_not_string';
      continue;
    }
    credentials[queryId] = [];
    for (const presentation of list as string[]) {
      count++;
      const report = await verifyPresentation(
        {
          presentation,
          policy: policyForQuery(q),
          // The KB-JWT's aud and nonce; an mdoc's SessionTranscript binds the Response URI too (Annex B.2.6.1).
          kb: {
            aud,
            nonce: rec.nonce,
            maxAgeSeconds: deps.config.kbJwtMaxAgeSeconds,
            ...(binding.responseUri !== undefined && { responseUri: binding.responseUri }),
            ...(binding.responseEncryptionJkt !== undefined && { responseEncryptionJkt: binding.responseEncryptionJkt }),
            ...(binding.dcApiOrigin !== undefined && { dcApiOrigin: binding.dcApiOrigin }),
          },
        },
        deps.verification,
      );
      reports.push(report);
      credentials[queryId].push(reportView(report));
      if (report.verdict !== 'verified') failure ??= report.code;
    }
  }
  const wholeCredential = Object.values(credentials).some((list) => list.some((v) => v.disclosure !== undefined));
  // §6.4.2: the returned credentials must satisfy the query (all, or the required credential sets).
  if (!failure && !satisfiesCredentialSets(query, new Set(Object.keys(credentials)))) failure = 'vp_token_incomplete';
  // A rejected answer hands the verifier no claim values, not even those of a presentation that
  // verified on its own: a client reading one credential's entry must not act on an answer that
  // failed as a whole. Each entry keeps its own verdict and checks; each receipt says what the
  // verifier was given, the answer's rejection, and no claim names.
  if (failure) for (const list of Object.values(credentials)) for (const view of list) delete view.claims;
  if (client) {
    for (const report of reports) {
      const given = failure ? { ...report, verdict: 'rejected' as const, code: failure, claimNames: [] } : report;
      const receipt = await buildReceipt(deps, client, { channel: 'openid4vp', requestId: rec.id, purpose, report: given });
      receipts.push(receipt.jwt);
      receiptRecords.push(receipt.record);
    }
  }
  const result: StoredPresentationResult = {
    verdict: failure ? 'rejected' : 'verified',
    code: failure ?? 'verified',
    verdict_message: failure
      ? failureMessage(failure, reports)
      : wholeCredential
        ? WHOLE_CREDENTIAL_MESSAGE
        : { ko: '확인되었습니다. 요청한 항목만 표시됩니다.', en: 'Verified. Only the requested items are shown.' },
    credentials,
    receipts,
  };
  return { result, receiptRecords };
}

/**
 * Why the answer failed, in the clerk's words: the answer's own fault (vp_token_*), or the
 * sentence of the presentation whose failure it is.
 */
function failureMessage(failure: string, reports: readonly VerificationReport[]): { ko: string; en: string } {
  const own = clerkMessageForCode(failure) ?? reports.find((r) => r.code === failure)?.message;
  return own
    ? { ko: own.ko, en: own.en }
    : { ko: '제출된 증명서를 확인하지 못했습니다.', en: 'The presented credentials could not be verified.' };
}

async function finish(
  deps: PresentationDeps,
  rec: VerifierRequestRecord,
  result: StoredPresentationResult,
  now: number,
  receipts: readonly ReceiptRecord[] = [],
): Promise<void> {
  // The result (with claim values) is kept for the retention period, and until read; the
  // receipts are committed with it, or neither is.
  await deps.store.verifierRequests.complete(
    rec.id,
    result.verdict,
    JSON.stringify(result),
    now + deps.config.verifierResultRetentionSeconds * 1000,
    receipts,
  );
  // The request has ended: its ephemeral decryption key (if any) goes now. After the result is
  // stored, so a fault before it leaves the key for the wallet's retry; if this delete fails, the
  // purge removes the key when the request expires.
  try {
    await deps.store.responseKeys.remove(rec.id);
  } catch {
    /* see above */
  }
  if (rec.webhook_url) {
    // Not awaited: the wallet's answer does not wait for the verifier's server. The outcome is
    // logged (client id and reason only: the URL and request id stay out of the logs).
    const clientId = rec.client_id;
    sendWebhook(deps, rec.webhook_url, { clientId, requestId: rec.id, status: result.verdict }).then(
      (o) => {
        if (!o.sent) deps.log?.warn({ clientId, reason: o.reason }, 'verifier webhook not sent');
        else if (o.status >= 300) deps.log?.warn({ clientId, status: o.status }, 'verifier webhook refused by its receiver');
      },
      () => deps.log?.warn({ clientId, reason: 'failed' }, 'verifier webhook not sent'),
    );
  }
}
