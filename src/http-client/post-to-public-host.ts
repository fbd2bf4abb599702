/**
 * A POST to a URL a client gave us (webhooks), made so that it cannot be turned against our own
 * network (blind SSRF, DNS rebinding):
 *
 * - a literal internal IP or a `localhost` name is refused before anything is sent;
 * - the host name is resolved at send time (all addresses), and the request is refused when any
 *   of them is internal (`internal-addresses.ts`), unless the operator allow-listed the name or
 *   the address (`WEBHOOK_ALLOW_HOSTS`);
 * - the connection goes to exactly the addresses that were checked: they are handed to the
 *   socket through its `lookup` hook, so a second DNS answer cannot swap them;
 * - redirects are not followed, nothing of the answer but its status is read.
 *
 * `node:http(s)` rather than `fetch`: Node's bundled undici takes no per-request `lookup`, and
 * the `undici` package (whose Agent would) is not one of our dependencies.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { bareHost, isInternalAddress, isLocalhostName } from './internal-addresses.js';
import type { OutboundAllowList } from './outbound-allow-list.js';

/** All addresses of a host name (injected in tests; DNS otherwise). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const resolveWithDns: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export type PostOutcome = { sent: true; status: number } | { sent: false; reason: 'internal_address' | 'unreachable' };

const INTERNAL = 'ERR_DPROOF_INTERNAL_ADDRESS';

class InternalAddress extends Error {
  readonly code = INTERNAL;
}

export async function postToPublicHost(
  url: string,
  body: string,
  o: { contentType: string; timeoutMs: number; allow: OutboundAllowList; resolve: ResolveHost },
): Promise<PostOutcome> {
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { sent: false, reason: 'unreachable' };
  const host = bareHost(u.hostname);
  const hostAllowed = o.allow.allowsHost(u.hostname);
  // A literal address never goes through `lookup`, so it is checked here.
  if (!hostAllowed && (isLocalhostName(host) || (isIP(host) !== 0 && isInternalAddress(host)))) {
    return { sent: false, reason: 'internal_address' };
  }
  const lookup = checkedLookup(o.resolve, hostAllowed ? () => true : (a) => !isInternalAddress(a) || o.allow.allowsAddress(a));
  const options: RequestOptions = {
    method: 'POST',
    headers: { 'content-type': o.contentType, 'content-length': Buffer.byteLength(body) },
    lookup,
    // A fresh connection: a pooled socket would skip the address check.
    agent: false,
    timeout: o.timeoutMs,
  };
  return new Promise<PostOutcome>((resolvePromise) => {
    let req: ClientRequest | undefined = undefined;
    const deadline = setTimeout(() => req?.destroy(new Error('timed out')), o.timeoutMs);
    const done = (outcome: PostOutcome) => {
      clearTimeout(deadline);
      resolvePromise(outcome);
    };
    req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, options, (res) => {
      done({ sent: true, status: res.statusCode ?? 0 });
      res.destroy(); // the status is all we use; a redirect is not followed
    });
    req.on('timeout', () => req?.destroy(new Error('timed out')));
    req.on('error', (e: Error & { code?: string }) =>
      done({ sent: false, reason: e.code === INTERNAL ? 'internal_address' : 'unreachable' }),
    );
    req.end(body);
  });
}

/** A socket `lookup` that resolves every address, refuses the lot if one fails `ok`, and answers with the checked ones. */
function checkedLookup(resolve: ResolveHost, ok: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        // DNS rebinding: one internal answer among public ones is enough to refuse.
        if (found.some((a) => !ok(a.address))) return callback(new InternalAddress(`${hostname} resolves to an internal address`), '', 0);
        const usable = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return callback(null, usable);
        return callback(null, usable[0]!.address, usable[0]!.family);
      },
      (e: Error) => callback(e, '', 0),
    );
  };
}
