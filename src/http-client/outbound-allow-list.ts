/**
 * The operator's exceptions to the internal-address rule (`WEBHOOK_ALLOW_HOSTS`): exact host
 * names (`hooks.internal`, `localhost`), IP addresses and CIDR ranges (`10.1.0.0/16`) of
 * receivers inside the network that are meant to get webhooks.
 */
import { BlockList, isIP } from 'node:net';
import { bareHost } from './internal-addresses.js';

export interface OutboundAllowList {
  /** The URL's host is listed by name, or is a listed address. */
  allowsHost(hostname: string): boolean;
  /** A resolved address falls in a listed address or range. */
  allowsAddress(address: string): boolean;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Parses the entries; throws an Error naming the first bad one. */
export function parseOutboundAllowList(entries: readonly string[]): OutboundAllowList {
  const names = new Set<string>();
  const ranges = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const [address = '', prefix, extra] = bareHost(entry).split('/');
    const family = isIP(address);
    if (family !== 0 && extra === undefined) {
      const max = family === 4 ? 32 : 128;
      const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (!(bits >= 0 && bits <= max)) throw new Error(`"${raw}" has a bad prefix length`);
      ranges.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
    } else if (HOST_NAME.test(entry)) {
      names.add(entry);
    } else {
      throw new Error(`"${raw}" is neither a host name, an IP address nor a CIDR range`);
    }
  }
  const allowsAddress = (address: string): boolean => {
    const family = isIP(address);
    return family !== 0 && ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return {
    allowsHost: (hostname) => names.has(bareHost(hostname).replace(/\.$/, '')) || allowsAddress(bareHost(hostname)),
    allowsAddress,
  };
}
