/**
 * A refused presentation belongs in its holder's history too (issue 19: "5 verifications, 3
 * listed"). When a check BEFORE holder binding refuses (time, status: an expired or revoked
 * credential), the pipeline never learned whose it was. Here, for a credential whose issuer
 * signature verified, the holder's proof (KB-JWT) is checked anyway, on a copy of the state and
 * with no replay bookkeeping; only when that proof verifies is the receipt linked to the holder
 * key. So nobody can put entries in another holder's history with a copied credential.
 */
import { isVerdictError, checkHolderBinding, type VerificationContext, type VerifyInput } from './verification-checks.js';
import type { CheckResult, PresentationState } from './verification-types.js';

export async function proveHolderAfterRefusal(
  s: PresentationState,
  checks: readonly CheckResult[],
  ctx: VerificationContext,
  input: VerifyInput,
): Promise<string | undefined> {
  if (!checks.some((c) => c.check === 'issuer_signature' && c.ok)) return undefined;
  if (checks.some((c) => c.check === 'holder_binding' && c.code !== 'not_checked')) return undefined;
  const copy: PresentationState = { ...s };
  delete copy.holderJkt;
  try {
    await checkHolderBinding(copy, ctx, input);
  } catch (e) {
    if (isVerdictError(e)) return undefined;
    throw e;
  }
  // checkHolderBinding sets holderJkt only once the holder's proof verified.
  return copy.holderJkt;
}
