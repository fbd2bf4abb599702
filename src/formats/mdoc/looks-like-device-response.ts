/**
 * Whether a presented text can be a base64url `DeviceResponse` (OpenID4VP 1.0 Annex B.2.4) at all:
 * a JWT and an SD-JWT never can (`.` and `~` are outside base64url). Its own module, without the
 * CBOR code, so the registry can tell before the mdoc code is loaded (adapter.ts).
 */
import { isBase64url } from '../jose/base64url.js';

export const looksLikeDeviceResponse = (text: string): boolean => !text.includes('.') && !text.includes('~') && isBase64url(text);
