/**
 * Addresses a webhook (or any URL a client hands us) must not reach: this machine, the private
 * network around it, and cloud metadata services (blind SSRF; SECURITY.md "Tokens": no URL from
 * outside is fetched unless trusted). Ranges from the IANA special-purpose registries
 * (RFC 6890, RFC 5735, RFC 4193, RFC 4291 §2.5); `net.BlockList` does the matching, including
 * IPv4-mapped IPv6 forms (`::ffff:127.0.0.1` matches 127.0.0.0/8).
 */
import { BlockList, isIP } from 'node:net';

const IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const IPV6: readonly [string, number][] = [
  ['::', 96], // unspecified, loopback ::1, and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b::', 96], // NAT64: could lead to any IPv4 address, internal ones included
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local, AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

const INTERNAL = new BlockList();
for (const [net, prefix] of IPV4) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** An IP address (v4 or v6, no brackets) in a loopback, private, link-local, … range. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A URL hostname without its IPv6 brackets; the WHATWG parser has already canonicalised it. */
export const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/** `localhost` and `*.localhost` always mean this machine (RFC 6761 §6.3), whatever DNS says. */
export const isLocalhostName = (host: string): boolean => /(^|\.)localhost\.?$/i.test(host);
