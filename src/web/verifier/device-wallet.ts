/**
 * "This device's wallet": OpenID4VP over the W3C Digital Credentials API (OpenID4VP 1.0
 * Appendix A). Offered only where the browser has it (feature detection: `DigitalCredential`
 * and `navigator.credentials.get`); elsewhere the button is not drawn at all.
 *
 * The service makes a `dc_api.jwt` request (signed with expected_origins, and unsigned); the
 * browser lets the holder pick a wallet, which answers with a JWE to the request's key; the page
 * hands `DigitalCredential.data` back to the service, which verifies it with `aud`
 * `origin:<this page's origin>` (the browser, not the page, tells the wallet that origin).
 */
import { callApi } from '../shared/api.js';
import { t } from '../shared/i18n.js';

interface DcApiRequest {
  protocol: string;
  data: Record<string, unknown>;
}

export const hasDigitalCredentials = (): boolean =>
  typeof (window as unknown as { DigitalCredential?: unknown }).DigitalCredential === 'function' &&
  typeof navigator.credentials?.get === 'function';

/** Asks the device's wallet; returns the request id once its answer is handed to the service. */
export async function askDeviceWallet(body: Record<string, unknown>, apiKey: string): Promise<string> {
  const created = await callApi<{ id: string; dc_api_requests: DcApiRequest[] }>('/v1/verifier/requests', {
    json: { ...body, response_mode: 'dc_api.jwt', origin: location.origin },
    bearer: apiKey,
  });
  const credential = (await navigator.credentials
    .get({ digital: { requests: created.dc_api_requests } } as CredentialRequestOptions)
    .catch((e: unknown) => {
      // The holder closed the browser's wallet picker, or no wallet on this device answers.
      throw new Error(
        e instanceof DOMException && e.name === 'NotAllowedError'
          ? t('지갑을 고르지 않았습니다.', 'The wallet was not chosen.')
          : t('이 기기의 지갑이 응답하지 않았습니다.', "This device's wallet did not answer."),
      );
    })) as (Credential & { protocol?: string; data?: unknown }) | null;
  // DigitalCredential.data is an object; some implementations hand it over as JSON text.
  const raw = credential?.data;
  const data = typeof raw === 'string' ? parseJsonOrUndefined(raw) : raw;
  if (typeof data !== 'object' || data === null) throw new Error(t('지갑이 응답하지 않았습니다.', 'The wallet did not answer.'));
  await callApi(`/v1/verifier/requests/${encodeURIComponent(created.id)}/dc-api-response`, { json: { data }, bearer: apiKey });
  return created.id;
}

/** JSON text, or undefined when it is not JSON (then the page says the wallet did not answer, not a parser's words). */
function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
