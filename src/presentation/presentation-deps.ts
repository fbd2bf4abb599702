import type { ReceiptDeps } from './record-receipt.js';
import type { VerificationDeps } from '../verification/create-verification-context.js';
import type { VerificationContext } from '../verification/verification-checks.js';
import type { ResolveHost } from '../http-client/post-to-public-host.js';
import type { KeyBackend } from '../keys/key-backend.js';
import type { Logger } from 'pino';

/** What the presentation use cases need: the runtime plus the verification context. */
export interface PresentationDeps extends ReceiptDeps, VerificationDeps {
  verification: VerificationContext;
  /** How webhook host names are resolved (DNS unless a test injects one). */
  resolveHost?: ResolveHost;
  /** Where what happens after the answer (a webhook that was not delivered) is told; no personal data. */
  log?: Pick<Logger, 'warn'>;
  /** The key backend holding X.509 verifier identity keys (x509-identity/). */
  keyStore?: KeyBackend;
}
