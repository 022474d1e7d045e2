import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSigner } from '../../../src/signer/hd-signer';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';

// The real command a user types, `npx kibble ...`, through bin/kibble.js and tsx.
const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
const ABANDON_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const VECTOR_ADDRESS = 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC';

async function npxKibble(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'kibble', ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npx kibble', () => {
  it('address-check prints valid and exits 0', async () => {
    const result = await npxKibble('address-check', '--chain', 'dogecoin', VECTOR_ADDRESS);
    expect(result).toMatchObject({ code: 0, stdout: 'valid\n' });
  });

  it('address-check prints the reason and exits 1', async () => {
    const result = await npxKibble('address-check', '--chain', 'dogecoin-testnet', VECTOR_ADDRESS);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^invalid \(other-chain\): .*dogecoin/);
  });

  it('derive prints the BIP44 vector address alone on stdout', async () => {
    const xpub = createSigner(CHAIN_PROFILES.dogecoin, { mnemonic: ABANDON_MNEMONIC }).accountXpub();
    const result = await npxKibble('derive', '--chain', 'dogecoin', '--xpub', xpub, '--index', '0');
    expect(result).toMatchObject({ code: 0, stdout: `${VECTOR_ADDRESS}\n` });
  });

  it('--version and -v print the version of package.json and exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await npxKibble('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(await npxKibble('-v')).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('exits 2 with a message on bad usage', async () => {
    const result = await npxKibble('derive', '--chain', 'dogecoin');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--xpub <key>' not specified");
  });
});
