/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`). The issuance half is here (issuance-adapter.ts); the
 * verification half (`mdocVerification`, verification-adapter.ts) joins it as
 * `{ ...mdocVerification, ...mdocIssuance }`.
 */
import { mdocIssuance } from './issuance-adapter.js';

export const mdocFormat = { ...mdocIssuance };
