import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKibble } from '../../support/cli';

const BLOCKS = join(__dirname, '../../fixtures/dogecoin/blocks');
const AUXPOW_BLOCK = join(BLOCKS, 'dogecoin_block371337.bin');

describe('kibble decode-block', () => {
  it('decodes a binary AuxPoW block file', async () => {
    const result = await runKibble('decode-block', '--chain', 'dogecoin', AUXPOW_BLOCK);
    expect(result.exitCode).toBe(0);
    const decoded = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(decoded).toMatchObject({
      hash: '60323982f9c5ff1b5a954eac9dc1269352835f47c2c5222691d80f0d50dcf053',
      version: 0x00620102,
      auxpow: true,
    });
    expect(decoded['txids']).toHaveLength(6);
    expect(decoded['prevHash']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('decodes the same block given as a hex string and as a hex file', async () => {
    const hex = readFileSync(AUXPOW_BLOCK).toString('hex');
    const hexFile = join(mkdtempSync(join(tmpdir(), 'kibble-cli-')), 'block.hex');
    writeFileSync(hexFile, `${hex}\n`);
    const fromBinary = await runKibble('decode-block', '--chain', 'dogecoin', AUXPOW_BLOCK);
    const fromString = await runKibble('decode-block', '--chain', 'dogecoin', hex);
    const fromHexFile = await runKibble('decode-block', '--chain', 'dogecoin', hexFile);
    expect(fromString.stdout).toBe(fromBinary.stdout);
    expect(fromHexFile.stdout).toBe(fromBinary.stdout);
  });

  it('reports a truncated block with the block-invalid code', async () => {
    const hex = readFileSync(AUXPOW_BLOCK).toString('hex').slice(0, 400);
    const result = await runKibble('decode-block', '--chain', 'dogecoin', hex);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[block-invalid]');
  });

  it('says when the argument is neither a file nor hex', async () => {
    const result = await runKibble('decode-block', '--chain', 'dogecoin', 'no-such-file.bin');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('neither a readable file nor an even-length hex string');
  });
});
