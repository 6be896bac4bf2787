import { refusedAddress, refusedHost } from './webhook-target';

describe('webhook targets', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.0.10', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['fd00:ec2::254', 'private'],
  ])('refuses %s as %s', (address, what) => {
    expect(refusedAddress(address)).toContain(what);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '172.15.255.255', '100.128.0.1', '2606:4700::1111'])(
    'accepts the public address %s',
    (address) => {
      expect(refusedAddress(address)).toBeUndefined();
    },
  );

  it('says an unparsable address is not an address', () => {
    expect(refusedAddress('example.com')).toBe('not an IP address');
  });

  it.each(['localhost', 'LOCALHOST.', 'hooks.localhost', 'metadata.google.internal', '127.0.0.1', '[::1]'])(
    'refuses the host %s as written',
    (host) => {
      expect(refusedHost(host)).toBeDefined();
    },
  );

  it('names the address and what it is', () => {
    expect(refusedHost('[::ffff:7f00:1]')).toBe('::ffff:7f00:1 is a loopback address');
    expect(refusedHost('169.254.169.254')).toBe(
      '169.254.169.254 is a link-local address (cloud metadata included)',
    );
  });

  it('leaves a public name to be checked when it is resolved', () => {
    expect(refusedHost('hooks.acme.example')).toBeUndefined();
  });
});
