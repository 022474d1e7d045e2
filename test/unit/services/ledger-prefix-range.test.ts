import { prefixRange } from '../../../src/services/ledger/prefix-range';

/** The prefix reads' range must hold exactly the names a `^prefix` match would. */
describe('prefixRange', () => {
  const inRange = (name: string, prefix: string): boolean => {
    const range = prefixRange(prefix);
    return name >= range.$gte && name < range.$lt;
  };

  it.each([
    ['donor:', { $gte: 'donor:', $lt: 'donor;' }],
    ['creator:', { $gte: 'creator:', $lt: 'creator;' }],
    ['platform:', { $gte: 'platform:', $lt: 'platform;' }],
    ['a~', { $gte: 'a~', $lt: 'a\x7f' }],
  ])('%s', (prefix, range) => {
    expect(prefixRange(prefix)).toEqual(range);
  });

  it('holds the names that start with the prefix and no other', () => {
    const names = ['donor', 'donor:', 'donor:0', 'donor:ffffffffffffffffffffffff', 'donor:~~', 'donor;', 'donora', 'donos:', 'creator:1', 'custody', 'platform:fees', 'd', ''];
    for (const prefix of ['donor:', 'creator:', 'platform:', 'd']) {
      expect(names.filter((name) => inRange(name, prefix))).toEqual(names.filter((name) => name.startsWith(prefix)));
    }
  });

  it('refuses what it cannot bound (empty, not printable ASCII)', () => {
    for (const prefix of ['', 'dönor:', 'a\u0000', '\u{1f600}']) expect(() => prefixRange(prefix)).toThrow(/not printable ASCII/);
  });
});
