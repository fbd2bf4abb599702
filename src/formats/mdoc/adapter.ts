/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`): the verification half (`mdocVerification`,
 * verification-adapter.ts) and the issuance half (`mdocIssuance`, issuance-adapter.ts).
 */
import { mdocIssuance } from './issuance-adapter.js';
import { mdocVerification } from './verification-adapter.js';

export const mdocFormat = { ...mdocVerification, ...mdocIssuance };
