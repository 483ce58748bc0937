import { BlockList, isIP } from 'node:net';

/** A BlockList of addresses and CIDRs ("10.0.0.0/8", "::1"); each entry's family is read from its address. */
export function buildBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** Whether a client address (IPv4-mapped IPv6 read as IPv4) is in the list. */
export function addressIn(list: BlockList, ip: string): boolean {
  const normalized = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const family = isIP(normalized) === 6 ? 'ipv6' : 'ipv4';
  return isIP(normalized) !== 0 && list.check(normalized, family);
}
