/**
 * The key a client address counts under, for every per-address limit and bound (the anonymous
 * endpoints' ceiling, the API's fallback key, the engagement waits): one rule, so a host cannot
 * be one address to one of them and many to another. An IPv4 address as it is (also when written
 * IPv4-mapped, `::ffff:192.0.2.1`); an IPv6 address as its /64 (`2001:db8:0:1::/64`): a host
 * holds a whole /64 and can send from any address in it; anything else as given. `request.ip`
 * is undefined when the socket closed before it was read: that counts as ''.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function addressKey(ip: string | undefined): string {
  if (ip === undefined) return '';
  const bare = ip.split('%')[0]!;
  if (!isIPv6(bare)) return ip;
  const mapped = /^::ffff:(.+)$/i.exec(bare)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  const groups = ipv6Groups(bare);
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(ip: string): string[] {
  const split = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [g];
          const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
        });
  const [head = '', tail] = ip.split('::');
  if (tail === undefined) return split(head);
  const h = split(head);
  const t = split(tail);
  return [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
}
