/**
 * The rules a verifier's `webhook_url` must meet when the request is created (the address rules
 * are checked once more at send time, on the resolved addresses: see send-webhook.ts):
 * https; no user or password; not this machine or the network around it (a literal loopback,
 * private, link-local, unique-local, CGNAT, multicast or metadata address, or `localhost`),
 * unless the operator listed the host in WEBHOOK_ALLOW_HOSTS. Plain http only to such a listed
 * host, and never in production.
 */
import { isIP } from 'node:net';
import { badRequest } from '../errors.js';
import { bareHost, isInternalAddress, isLocalhostName } from '../http-client/internal-addresses.js';
import { parseOutboundAllowList } from '../http-client/outbound-allow-list.js';

export function checkWebhookUrl(raw: string, o: { production: boolean; allowHosts: readonly string[] }): string {
  if (!URL.canParse(raw)) throw badRequest('invalid_webhook_url', 'webhook_url must be an absolute URL');
  const u = new URL(raw);
  const allowed = parseOutboundAllowList(o.allowHosts).allowsHost(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowed && !o.production)) {
    throw badRequest('invalid_webhook_url', 'webhook_url must use https');
  }
  if (u.username || u.password) throw badRequest('invalid_webhook_url', 'webhook_url must not carry credentials');
  const host = bareHost(u.hostname);
  if (!allowed && (isLocalhostName(host) || (isIP(host) !== 0 && isInternalAddress(host)))) {
    throw badRequest(
      'webhook_url_internal',
      'webhook_url points at a loopback, private, link-local or metadata address; an operator can allow an internal receiver with WEBHOOK_ALLOW_HOSTS',
    );
  }
  return u.toString();
}
