/**
 * ISO/IEC 18013-5 mdoc (`mso_mdoc`): the verification half for now (verification-adapter.ts).
 * When the issuance half lands (issuance-adapter.ts, `mdocIssuance`), this becomes
 * `{ ...mdocVerification, ...mdocIssuance }` and the registry lists it with the issued formats.
 */
import { mdocVerification } from './verification-adapter.js';

export const mdocFormat = { ...mdocVerification };
