/**
 * THE verification pipeline: every entry point (counter QR, OpenID4VP direct_post) verifies a
 * presentation here, through this one ordered table of checks. The first failing check decides
 * the verdict; the checks after it are listed as `not_checked`, so the answer always names
 * every check.
 *
 * Order: parse → typ/alg allow-lists → issuer signature (trusted keys) → time → status →
 * holder binding → replay → disclosure integrity → policy. The alg allow-list runs before the
 * signature (RFC 8725bis §3.1: no crypto with an algorithm we do not allow). Nothing is fetched
 * for a token whose issuer signature did not verify (status lists come after the signature).
 */
import { clerkMessage } from '../verdict/clerk-messages.js';
import { verificationFormat } from '../formats/registry.js';
import {
  checkDisclosures,
  checkHolderBinding,
  checkIssuerSignature,
  checkPolicy,
  checkReplay,
  checkStatus,
  checkTime,
  checkTypAndAlg,
  isVerdictError,
  parsePresentation,
  type Check,
  type VerificationContext,
  type VerifyInput,
} from './verification-checks.js';
import { proveHolderAfterRefusal } from './prove-holder-after-refusal.js';
import type { CheckName, CheckResult, PresentationState, VerificationReport } from './verification-types.js';

export const VERIFICATION_CHECKS: readonly (readonly [CheckName, Check])[] = [
  ['parse', parsePresentation],
  ['typ_alg', checkTypAndAlg],
  ['issuer_signature', checkIssuerSignature],
  ['time', checkTime],
  ['status', checkStatus],
  ['holder_binding', checkHolderBinding],
  ['replay', checkReplay],
  ['disclosures', checkDisclosures],
  ['policy', checkPolicy],
];

export async function verifyPresentation(input: VerifyInput, ctx: VerificationContext): Promise<VerificationReport> {
  const s: PresentationState = { text: input.presentation };
  const checks: CheckResult[] = [];
  let failed: CheckResult | undefined;
  for (const [check, run] of VERIFICATION_CHECKS) {
    if (failed) {
      checks.push({ check, ok: false, code: 'not_checked' });
      continue;
    }
    try {
      const note = await run(s, ctx, input);
      checks.push({ check, ok: true, code: note ?? 'ok' });
    } catch (e) {
      // A refusal is a verdict; a store or server fault (5xx) is not, and propagates.
      if (!isVerdictError(e)) throw e;
      failed = { check, ok: false, code: e.code };
      checks.push(failed);
    }
  }
  const code = failed?.code ?? 'verified';
  const report: VerificationReport = {
    verdict: failed ? 'rejected' : 'verified',
    code,
    checks,
    message: clerkMessage(code, failed?.check),
    claimNames: failed ? [] : (s.selectedNames ?? []),
  };
  if (s.format) report.credential = { format: s.format, type: s.type ?? null, issuer: s.iss ?? null };
  if (!failed) report.claims = s.selected ?? {};
  // A VC-JWT is disclosed whole: say what it carried, beside the asked claims we keep.
  if (!failed && s.format && verificationFormat(s.format)?.disclosesWholeCredential)
    report.wholeCredential = { carried: Object.keys(s.claims ?? {}) };
  // A presentation the replay check refuses (a nonce used already, or one this counter no longer
  // knows: an issued nonce is forgotten before a KB-JWT stops being fresh) may be somebody's copy,
  // not the holder's act: linked to nobody (a QR photographed at the counter cannot fill its
  // holder's history with refusals); the holder's own showing is in their history once.
  if (code === 'nonce_reused' || code === 'nonce_not_issued') return report;
  if (s.holderJkt) report.holderJkt = s.holderJkt;
  else if (failed) {
    const jkt = await proveHolderAfterRefusal(s, checks, ctx, input);
    if (jkt) report.holderJkt = jkt;
  }
  return report;
}
