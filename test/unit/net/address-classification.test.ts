import { classifyAddress } from '../../../src/net/outbound';

// Which addresses an outgoing request may connect to: only ordinary public unicast ones.
const REFUSED: ReadonlyArray<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'linkLocal'], // cloud metadata endpoints live here
  ['0.0.0.0', 'unspecified'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'], // IPv4-mapped: judged as the IPv4 address inside
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['64:ff9b::7f00:1', 'rfc6052'], // NAT64 of 127.0.0.1
  ['2002:7f00:1::', '6to4'],
  ['not-an-address', 'invalid'],
  ['', 'invalid'],
];

const ALLOWED = ['1.1.1.1', '93.184.216.34', '8.8.4.4', '2606:4700:4700::1111', '::ffff:1.1.1.1', '172.32.0.1', '11.0.0.1'];

describe('classifyAddress', () => {
  it.each(REFUSED)('refuses %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ public: false, range });
  });

  it.each(ALLOWED)('allows the public address %s', (address) => {
    expect(classifyAddress(address)).toEqual({ public: true, range: 'unicast' });
  });
});
