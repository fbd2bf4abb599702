import type { ReceiptDeps } from './record-receipt.js';
import type { VerificationDeps } from '../verification/create-verification-context.js';
import type { VerificationContext } from '../verification/verification-checks.js';
import type { Fetcher } from '../verification/fetch-json.js';

/** What the presentation use cases need: the runtime plus the verification context. */
export interface PresentationDeps extends ReceiptDeps, VerificationDeps {
  verification: VerificationContext;
  /** Outbound HTTP for webhooks. */
  fetch?: Fetcher;
}
