import { CHAIN_NAMES, CHAIN_PROFILES } from '../../../src/chain/profiles';
import { createSigner } from '../../../src/signer/hd-signer';
import { runKibble } from '../../support/cli';

const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const dogecoinXpub = createSigner(CHAIN_PROFILES.dogecoin, { mnemonic: MNEMONIC }).accountXpub();

describe('kibble derive', () => {
  it('prints the deposit address of index 0 alone on stdout (BIP44 vector)', async () => {
    const result = await runKibble('derive', '--chain', 'dogecoin', '--xpub', dogecoinXpub, '--index', '0');
    expect(result).toEqual({ exitCode: 0, stdout: 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC\n', stderr: '' });
  });

  it('prints a change address with --change, different from the deposit address', async () => {
    const change = await runKibble('derive', '--chain', 'dogecoin', '--xpub', dogecoinXpub, '--index', '0', '--change');
    expect(change.exitCode).toBe(0);
    expect(change.stdout).toMatch(/^D[1-9A-HJ-NP-Za-km-z]{33}\n$/);
    expect(change.stdout).not.toBe('DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC\n');
  });

  it.each([
    ['-1', 'derivation index'],
    ['2147483648', 'derivation index'],
    ['1.5', 'derivation index'],
    ['abc', 'derivation index'],
  ])('rejects index %s as bad usage', async (index, expected) => {
    const result = await runKibble('derive', '--chain', 'dogecoin', '--xpub', dogecoinXpub, '--index', index);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(expected);
  });

  it('rejects an xpub of another chain with the key-invalid code', async () => {
    const result = await runKibble('derive', '--chain', 'litecoin', '--xpub', dogecoinXpub, '--index', '0');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[key-invalid]');
  });

  it('rejects an unknown chain, listing the profiles', async () => {
    const result = await runKibble('derive', '--chain', 'bitcoin', '--xpub', dogecoinXpub, '--index', '0');
    expect(result.exitCode).toBe(2);
    for (const name of CHAIN_NAMES) expect(result.stderr).toContain(name);
  });

  it('names a missing required option', async () => {
    const result = await runKibble('derive', '--chain', 'dogecoin', '--index', '0');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--xpub');
  });
});

describe('kibble address-check', () => {
  it('prints valid and exits 0 for an address of the chain', async () => {
    const result = await runKibble('address-check', '--chain', 'dogecoin', 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC');
    expect(result).toEqual({ exitCode: 0, stdout: 'valid\n', stderr: '' });
  });

  it.each([
    ['dogecoin', 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgD', 'bad-checksum'],
    ['litecoin', 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC', 'other-chain'],
    ['dogecoin', 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxg0', 'bad-characters'],
    ['dogecoin', 'DBus3bamQjgJULBJtYXpEz', 'bad-length'],
    ['dogecoin', '', 'empty'],
  ])('on %s, %s is invalid: %s (exit 1)', async (chain, address, reason) => {
    const result = await runKibble('address-check', '--chain', chain, address);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`invalid (${reason})`);
  });
});

describe('kibble --help', () => {
  it('lists every subcommand', async () => {
    const result = await runKibble('--help');
    expect(result.exitCode).toBe(0);
    for (const command of ['serve', 'derive', 'address-check']) expect(result.stdout).toContain(command);
  });

  it.each(['derive', 'address-check', 'serve'])('explains %s and each of its options', async (command) => {
    const result = await runKibble(command, '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Usage: kibble ${command}`);
    const undocumented = result.stdout
      .split('\n')
      .filter((line) => /^\s+--?[a-z]/.test(line))
      .filter((line) => line.trim().split(/\s{2,}/).length < 2);
    expect(undocumented).toEqual([]);
  });

  it('rejects an unknown command', async () => {
    const result = await runKibble('frobnicate');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
