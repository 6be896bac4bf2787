import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a merchant webhook may not reach: a URL set by a merchant must not make this
 * service a proxy into the network it runs in (SSRF). Each range with what it is, for the reason
 * given to the merchant. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are checked as the IPv4
 * address they carry (BlockList does this).
 */
const REFUSED_RANGES: ReadonlyArray<{ network: string; prefix: number; what: string }> = [
  { network: '0.0.0.0', prefix: 8, what: 'an unspecified ("this network") address' },
  { network: '10.0.0.0', prefix: 8, what: 'a private address' },
  { network: '100.64.0.0', prefix: 10, what: 'a carrier-grade NAT address' },
  { network: '127.0.0.0', prefix: 8, what: 'a loopback address' },
  // 169.254.169.254 is the cloud metadata service (AWS, GCP, Azure, OpenStack).
  { network: '169.254.0.0', prefix: 16, what: 'a link-local address (cloud metadata included)' },
  { network: '172.16.0.0', prefix: 12, what: 'a private address' },
  { network: '192.168.0.0', prefix: 16, what: 'a private address' },
  { network: '224.0.0.0', prefix: 4, what: 'a multicast address' },
  { network: '240.0.0.0', prefix: 4, what: 'a reserved address' },
  { network: '::', prefix: 128, what: 'an unspecified address' },
  { network: '::1', prefix: 128, what: 'a loopback address' },
  // fd00:ec2::254 is AWS's metadata service over IPv6.
  { network: 'fc00::', prefix: 7, what: 'a unique local (private) address' },
  { network: 'fe80::', prefix: 10, what: 'a link-local address' },
  { network: 'ff00::', prefix: 8, what: 'a multicast address' },
];

// Names that are internal by definition, refused before any lookup (RFC 6761 `localhost`).
const REFUSED_HOST_NAMES = /^(localhost|metadata|metadata\.google\.internal|instance-data)$|\.localhost$/;

const blocks = REFUSED_RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, isIP(range.network) === 6 ? 'ipv6' : 'ipv4');
  return { list, what: range.what };
});

/**
 * What kind of internal address this IP address is ("a loopback address"), or undefined for one a
 * webhook may reach. Pure, no lookup: the caller resolves a name and asks for every address.
 */
export function refusedAddress(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return blocks.find(({ list }) => list.check(bare, type))?.what;
}

/**
 * Why a webhook may not be sent to this URL host as written (`127.0.0.1 is a loopback address`),
 * or undefined when it may: a name can still resolve to a refused address, which the sender
 * checks on every address it connects to.
 */
export function refusedHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) {
    const what = refusedAddress(bare);
    return what && `${bare} is ${what}`;
  }
  return REFUSED_HOST_NAMES.test(host) ? `${host} is an internal host name` : undefined;
}
