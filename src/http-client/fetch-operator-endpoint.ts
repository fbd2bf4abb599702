/**
 * Requests to endpoints the operator configured (the identity provider, the claims source) and to
 * the URLs their documents name (token endpoint, JWKS): the same internal-address rule as
 * webhooks (`internal-addresses.ts`) unless the host is in the operator's allow-list, then
 * `fetchCapped` (deadline, no redirects, byte cap). A host name is resolved and checked before
 * the request; `fetch` resolves it again, so this refuses a misconfiguration or a document that
 * points inside, not a DNS server that lies between the two look-ups (post-to-public-host.ts pins
 * addresses, but reads no body).
 */
import { isIP } from 'node:net';
import { fetchCapped, OutboundFetchError, type CappedFetchOptions, type CappedResponse, type Fetcher } from './fetch-capped.js';
import { bareHost, isInternalAddress, isLocalhostName } from './internal-addresses.js';
import type { OutboundAllowList } from './outbound-allow-list.js';
import { resolveWithDns, type ResolveHost } from './post-to-public-host.js';

export interface OperatorFetchOptions extends CappedFetchOptions {
  allow: OutboundAllowList;
  resolve?: ResolveHost;
  fetcher?: Fetcher;
  /** `NODE_ENV=production`: https only. */
  production: boolean;
}

export async function fetchOperatorEndpoint(url: string, o: OperatorFetchOptions): Promise<CappedResponse> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OutboundFetchError('unreachable', 'not a URL');
  }
  const allowed = o.allow.allowsHost(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowed && !o.production))
    throw new OutboundFetchError('unreachable', `${u.origin} is not https`);
  if (!allowed) {
    const host = bareHost(u.hostname);
    if (isLocalhostName(host)) throw new OutboundFetchError('unreachable', `${host} is this machine`);
    const addresses = isIP(host) !== 0 ? [host] : (await (o.resolve ?? resolveWithDns)(host).catch(() => [])).map((a) => a.address);
    if (addresses.length === 0) throw new OutboundFetchError('unreachable', `${host} has no address`);
    if (addresses.some((a) => isInternalAddress(a) && !o.allow.allowsAddress(a)))
      throw new OutboundFetchError('unreachable', `${host} is an internal address`);
  }
  return fetchCapped(o.fetcher ?? fetch, url, o);
}
