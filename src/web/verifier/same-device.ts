/**
 * The verifier page's same-device path (OpenID4VP 1.0 §13.3, HAIP 1.0 §5.1): the page makes a
 * request with `redirect_uri` = this page, keeps the request id in THIS tab's sessionStorage and
 * opens the wallet; the wallet sends the browser back to `<this page>#response_code=…`, and the
 * page reads the result with that code. An answer that comes back to a tab or browser that did not
 * start a request (a relayed request, a second browser) is refused here, before any call.
 */
const PENDING = 'dproof.verifier.sameDevice';

/** Where the wallet sends the holder back: this page, without query or fragment. */
export const sameDeviceReturnUri = (): string => `${location.origin}${location.pathname}`;

export function rememberSameDevice(id: string): void {
  sessionStorage.setItem(PENDING, id);
}

/**
 * The return from the wallet, if this page was opened with `#response_code=`: the request this
 * tab started and the code, or `foreign` when this tab started none. The fragment is removed at
 * once (no code left in the address bar or history); the pending id is used once.
 */
export function takeSameDeviceReturn(): { id: string; code: string } | 'foreign' | undefined {
  const code = new URLSearchParams(location.hash.slice(1)).get('response_code');
  if (code === null) return undefined;
  history.replaceState(null, '', sameDeviceReturnUri());
  const id = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  return id ? { id, code } : 'foreign';
}
