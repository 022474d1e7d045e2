import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { payments, script as bscript } from 'bitcoinjs-lib';
import vectors from '../../fixtures/addresses.json';
import { outputScriptFor, p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import { WatchIndex, type WatchOwner, type WatchedScriptType } from '../../../src/chain/block/watch-index';
import { CHAIN_NAMES, CHAIN_PROFILES, chainProfile } from '../../../src/chain/profiles';
import { thrownCode } from '../../support/errors';

const profile = CHAIN_PROFILES['bcoin-regtest'];

function p2pkhScript(hash: Uint8Array): Uint8Array {
  return payments.p2pkh({ hash }).output as Uint8Array;
}
function p2shScript(hash: Uint8Array): Uint8Array {
  return payments.p2sh({ hash }).output as Uint8Array;
}
function deposit(address: string, index: number, accountId = `acct-${index}`): WatchOwner {
  return { kind: 'deposit', accountId, index, address };
}
describe('WatchIndex: adding addresses (test/fixtures/addresses.json)', () => {
  it.each(vectors.valid.map((v) => [`${v.chain} ${v.address}`, v] as const))('decodes %s', (_name, v) => {
    const index = new WatchIndex(chainProfile(v.chain));
    expect(index.add(deposit(v.address, 0))).toBe(true);
    const hash = Buffer.from(v.hash, 'hex');
    expect(index.hasHash(v.type as WatchedScriptType, hash)).toBe(true);
    expect(index.has(v.address)).toBe(true);
    const script = v.type === 'p2pkh' ? p2pkhScript(hash) : p2shScript(hash);
    expect(index.lookup(script)?.address).toBe(v.address);
  });

  it.each(vectors.invalid.map((v) => [`${v.chain} ${JSON.stringify(v.address)}`, v] as const))(
    'refuses %s with address-invalid',
    (_name, v) => {
      const index = new WatchIndex(chainProfile(v.chain));
      expect(thrownCode(() => index.add(deposit(v.address, 0)))).toBe('address-invalid');
      expect(index.has(v.address)).toBe(false);
      expect(index.size).toBe(0);
    },
  );

  it('agrees with address.ts on random hashes of every chain, both ways', () => {
    const arb = fc.record({
      chain: fc.constantFrom(...CHAIN_NAMES),
      type: fc.constantFrom<WatchedScriptType>('p2pkh', 'p2sh'),
      hash: fc.uint8Array({ minLength: 20, maxLength: 20 }),
    });
    fc.assert(
      fc.property(arb, ({ chain, type, hash }) => {
        const p = CHAIN_PROFILES[chain];
        const address = type === 'p2pkh' ? p2pkhAddress(p, hash) : p2shAddress(p, hash);
        const byHash = new WatchIndex(p);
        byHash.addHash(type, hash, { kind: 'change', index: 7 });
        expect(byHash.lookup(outputScriptFor(p, address))).toEqual({ kind: 'change', index: 7, address });
        const byAddress = new WatchIndex(p);
        byAddress.add({ kind: 'change', index: 7, address });
        expect(byAddress.hasHash(type, hash)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a second spelling of an address (an extra leading "1")', () => {
    const address = p2pkhAddress(profile, randomBytes(20));
    const index = new WatchIndex(profile);
    expect(thrownCode(() => index.add(deposit(`1${address}`, 0)))).toBe('address-invalid');
    expect(index.has(`1${address}`)).toBe(false);
  });

  it('refuses a hash that is not 20 bytes', () => {
    expect(thrownCode(() => new WatchIndex(profile).addHash('p2pkh', new Uint8Array(32), { kind: 'change', index: 0 }))).toBe(
      'internal',
    );
  });
});

describe('WatchIndex: owners', () => {
  const address = p2pkhAddress(profile, Buffer.alloc(20, 7));

  it('stores a plain copy without an undefined accountId', () => {
    const owner: WatchOwner = { kind: 'change', accountId: undefined, index: 3, address };
    const index = new WatchIndex(profile);
    index.add(owner);
    owner.index = 99;
    const found = index.lookup(outputScriptFor(profile, address));
    expect(found).toStrictEqual({ kind: 'change', index: 3, address });
    expect(Object.keys(found ?? {})).not.toContain('accountId');
    expect(Object.isFrozen(found)).toBe(true);
  });

  it('ignores the same owner added again, and counts only new ones in addMany', () => {
    const index = new WatchIndex(profile);
    const other = p2pkhAddress(profile, Buffer.alloc(20, 8));
    expect(index.add(deposit(address, 1))).toBe(true);
    expect(index.add(deposit(address, 1))).toBe(false);
    expect(index.addMany([deposit(address, 1), deposit(other, 2)])).toBe(1);
    expect(index.size).toBe(2);
  });

  it('throws on one address with two different owners (corrupt data must not credit anyone)', () => {
    const index = new WatchIndex(profile);
    index.add(deposit(address, 1, 'alice'));
    expect(thrownCode(() => index.add(deposit(address, 1, 'bob')))).toBe('internal');
    expect(index.lookup(outputScriptFor(profile, address))?.accountId).toBe('alice');
  });
});

describe('WatchIndex: lookup by output script', () => {
  const hash = Buffer.alloc(20, 0x42);
  const index = new WatchIndex(profile);
  index.addHash('p2pkh', hash, { kind: 'deposit', accountId: 'a', index: 0 });

  it('finds a P2PKH script, also as a view into a larger plain Uint8Array', () => {
    const script = p2pkhScript(hash);
    const big = new Uint8Array(100);
    big.set(script, 40);
    expect(index.lookup(script)?.accountId).toBe('a');
    expect(index.lookup(big.subarray(40, 65))?.accountId).toBe('a');
  });

  const misses: ReadonlyArray<readonly [string, Uint8Array]> = [
    ['P2SH of the same hash (another script type)', p2shScript(hash)],
    ['OP_RETURN carrying the hash', bscript.compile([bscript.OPS.OP_RETURN, hash])],
    ['P2PKH with OP_EQUAL instead of OP_CHECKSIG', Uint8Array.from([...p2pkhScript(hash).subarray(0, 24), 0x87])],
    ['P2PKH with a trailing byte', Uint8Array.from([...p2pkhScript(hash), 0x00])],
    ['P2PKH cut short', p2pkhScript(hash).subarray(0, 24)],
    ['P2PK of a 33-byte key', bscript.compile([Buffer.concat([Buffer.from([2]), Buffer.alloc(32, 0x42)]), bscript.OPS.OP_CHECKSIG])],
    ['an empty script', new Uint8Array(0)],
  ];
  it.each(misses)('ignores %s', (_name, script) => {
    expect(index.lookup(script)).toBeUndefined();
  });

  it('differs from a watched hash in any single byte: no match', () => {
    for (let i = 0; i < 20; i++) {
      const near = Buffer.from(hash);
      near[i] = (near[i] as number) ^ 1;
      expect(index.lookup(p2pkhScript(near))).toBeUndefined();
    }
  });
});

describe('WatchIndex with 100,000 addresses', () => {
  // Scripts are put together by hand: bitcoinjs payments.p2pkh would take most of the test's time.
  const P2PKH_HEAD = Buffer.from('76a914', 'hex');
  const P2PKH_TAIL = Buffer.from('88ac', 'hex');
  const scriptOf = (hash: Uint8Array): Uint8Array => Buffer.concat([P2PKH_HEAD, hash, P2PKH_TAIL]);
  const randomHashes = (n: number): Buffer[] => {
    const pool = randomBytes(n * 20);
    return Array.from({ length: n }, (_, i) => pool.subarray(i * 20, i * 20 + 20));
  };
  const hashes = randomHashes(100_000);
  const index = new WatchIndex(profile);
  hashes.forEach((hash, i) => index.addHash('p2pkh', hash, { kind: 'deposit', accountId: `acct-${i}`, index: i }));

  it('holds them all and finds each one by its script', () => {
    expect(index.size).toBe(100_000);
    const misplaced = hashes.filter((hash, i) => index.lookup(scriptOf(hash))?.index !== i);
    expect(misplaced).toHaveLength(0);
  });

  it('finds none of 100,000 other hashes, by script or by address', () => {
    const found = randomHashes(100_000).filter((hash) => index.lookup(scriptOf(hash)) !== undefined);
    expect(found).toHaveLength(0);
    expect(index.has(p2pkhAddress(profile, randomBytes(20)))).toBe(false);
    expect(index.has(p2pkhAddress(profile, hashes[123] as Buffer))).toBe(true);
  });

  it('loads them by address as the scanner does (from stored address strings)', () => {
    const owners = hashes.slice(0, 5_000).map((hash, i) => deposit(p2pkhAddress(profile, hash), i));
    const byAddress = new WatchIndex(profile);
    expect(byAddress.addMany(owners)).toBe(5_000);
    expect(byAddress.lookup(scriptOf(hashes[4_999] as Buffer))?.index).toBe(4_999);
  });
});
