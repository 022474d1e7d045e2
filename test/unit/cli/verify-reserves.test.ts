import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservesProofJson } from '../../../src/proofs/reserves-proof';
import { leafIndexOf, publishedReserves, reservesTree } from '../../../src/proofs/reserves-snapshot';
import { reservesSalt } from '../../../src/proofs/salts';
import { runKibble } from '../../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'kibble-verify-reserves-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const SECRET = new Uint8Array(32).fill(5);
const tree = reservesTree('h42', SECRET, [
  { account: 'donor:alice', amount: 700n },
  { account: 'platform:fees', amount: 100n },
]);
const outputs = [{ txid: 'ab'.repeat(32), vout: 0, address: 'nHP5Bk4wyhXbTNcXFDCN6E8p7Xgsub8npJ', amount: 900n, height: 40 }];
const published = publishedReserves({ snapshot: 'h42', chain: 'bcoin-regtest', takenAt: new Date('2026-12-01T00:00:00Z'), height: 42, outputs }, tree);
const alice = reservesProofJson(tree, leafIndexOf(tree, SECRET, 'donor:alice') as number, { account: 'donor:alice', salt: reservesSalt(SECRET, 'h42', 'donor:alice') });

describe('kibble verify-reserves without a node', () => {
  it('exit 0: says what it proves, and that the outputs were not checked on chain', async () => {
    const result = await runKibble('verify-reserves', file('published.json', published), '--proof', file('alice.json', alice));
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain('valid: snapshot h42 of bcoin-regtest at height 42, liabilities 0.000008 (800 units) in 2 leaves');
    expect(result.stdout).toContain('outputs NOT checked on chain (no --rpc)');
    expect(result.stdout).toContain('your proof: account donor:alice, 0.000007 (700 units), is included in the published root and total');
  });

  it('exit 1: a tampered proof, or outputs listed below the liabilities, with the reasons', async () => {
    const tampered = await runKibble('verify-reserves', file('published.json', published), '--proof', file('tampered.json', { ...alice, leaf: { ...alice.leaf, amount: '7000' } }), '--json');
    expect(tampered.exitCode).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ valid: false, checkedOnChain: false, problems: [{ reason: 'proof-mismatch' }] });
    const short = { ...published, outputs: [{ ...outputs[0], amount: '799' }], outputsTotal: '799' };
    const shortResult = await runKibble('verify-reserves', file('short.json', short));
    expect(shortResult.exitCode).toBe(1);
    expect(shortResult.stdout).toContain("(outputs-short) the outputs that check out total 799 units, less than the liabilities' 800: short by 1");
  });

  it('exit 2: an unreadable, non-JSON or malformed document', async () => {
    for (const path of [join(dir, 'nope.json'), file('bad.json', '{"kind":'), file('malformed.json', { ...published, version: 2 })]) {
      const result = await runKibble('verify-reserves', path);
      expect({ exitCode: result.exitCode, code: /\[([a-z-]+)\]/.exec(result.stderr)?.[1] }).toEqual({ exitCode: 2, code: 'reserves-invalid' });
    }
  });
});
