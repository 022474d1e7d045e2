import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKibble } from '../../support/cli';
import { readVectors } from '../vector-files';

interface Vectors {
  valid: { proof: unknown; rawTx: string }[];
  invalid: { description: string; proof: unknown; rawTx: string; reason: string }[];
}

const vectors = readVectors('proofs/allocation.json') as Vectors;
const dir = mkdtempSync(join(tmpdir(), 'kibble-verify-proof-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const alice = vectors.valid[0] as Vectors['valid'][number];
const invalidNamed = (description: string) => vectors.invalid.find((v) => v.description === description) as Vectors['invalid'][number];

describe('kibble verify-proof --tx (offline)', () => {
  it("prints what donor-alice's proof proves, exit 0", async () => {
    const result = await runKibble('verify-proof', file('alice.json', alice.proof), '--tx', alice.rawTx);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^valid: transaction [0-9a-f]{64} \(output 1\) commits to the allocations of 2026-11/);
    expect(result.stdout).toContain('1.5 (150000000 units) to creator creator-dave from donor donor-alice');
    expect(result.stdout).toContain('3 allocations in the proof, 4.5 coins in all');
  });

  it('takes the raw transaction from a file too, and prints JSON with --json', async () => {
    const result = await runKibble('verify-proof', file('alice.json', alice.proof), '--tx', file('tx.hex', `${alice.rawTx}\n`), '--json');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, proves: { period: '2026-11', vout: 1 } });
  });

  it.each(['amount changed', 'creator changed', 'path element changed', 'txid of another transaction', 'transaction without a kibble commitment'])('a tampered proof (%s) fails with its reason, exit 1', async (description) => {
    const vector = invalidNamed(description);
    const result = await runKibble('verify-proof', file('tampered.json', vector.proof), '--tx', vector.rawTx);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^NOT valid \\(${vector.reason}\\): `));
  });

  it('says what is wrong with a missing, non-JSON or malformed file, exit 2', async () => {
    const missing = await runKibble('verify-proof', join(dir, 'nope.json'), '--tx', alice.rawTx);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cannot read the proof file');
    const notJson = await runKibble('verify-proof', file('bad.json', '{"kind":'), '--tx', alice.rawTx);
    expect(notJson.stderr).toMatch(/is not JSON \[proof-invalid\]/);
    const malformed = await runKibble('verify-proof', file('malformed.json', { ...(alice.proof as object), leafCount: 'five' }), '--tx', alice.rawTx);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toMatch(/leafCount: .*\[proof-invalid\]/);
  });

  it('needs exactly one of --rpc and --tx', async () => {
    const neither = await runKibble('verify-proof', file('alice.json', alice.proof));
    expect(neither.exitCode).toBe(2);
    expect(neither.stderr).toContain('exactly one of --rpc');
    const both = await runKibble('verify-proof', file('alice.json', alice.proof), '--tx', alice.rawTx, '--rpc', 'http://127.0.0.1:1/');
    expect(both.exitCode).toBe(2);
  });
});
