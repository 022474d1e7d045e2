import { performance } from 'node:perf_hooks';
import { buildAllocationTree, type AllocationInput } from '../../src/proofs/allocation-tree';
import { commitmentScript } from '../../src/proofs/commitment';
import { creatorProofJson, donorProofJson } from '../../src/proofs/proof-format';
import { allocationSalt, reservesSalt } from '../../src/proofs/salts';
import { buildSumTree, reservesAccountCommitment } from '../../src/proofs/sum-tree';
import { verifyAllocationProof } from '../../src/proofs/verify-allocation-proof';
import { Transaction } from 'bitcoinjs-lib';

/**
 * `npm run bench:proofs`: what the proofs add to a month of bench:settle's size (100,000 donors,
 * 10 allocations each to 10,000 creators = 1,000,000 leaves): salts, the allocation tree, one
 * donor's and one creator's proof and its verification, the sum tree over every account, and the
 * bytes the commitment adds to the first transaction. Pure code: no database, no node.
 *
 *   npx tsx scripts/bench/proofs.ts [--donors N] [--per-donor N] [--creators N]
 */

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const donors = option('donors', 100_000);
const perDonor = option('per-donor', 10);
const creators = option('creators', 10_000);
const secret = new Uint8Array(32).fill(1);
const period = '2026-11';

function timed<T>(what: string, run: () => T): T {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const { user, system } = process.cpuUsage(cpu);
  // CPU time too: on a shared machine the wall time mostly measures the neighbours.
  process.stdout.write(`${what.padEnd(52)} ${((performance.now() - start) / 1000).toFixed(2)} s (CPU ${((user + system) / 1e6).toFixed(2)} s)\n`);
  return result;
}

const inputs = timed(`salts for ${donors} donors, ${donors * perDonor} leaves`, () => {
  const list: AllocationInput[] = [];
  for (let d = 0; d < donors; d++) {
    const id = `donor-${d}`;
    const salt = allocationSalt(secret, period, id);
    for (let k = 0; k < perDonor; k++) list.push({ creator: `creator-${(d * 7 + k * 131) % creators}`, amount: 1_000_000n + BigInt(k), donor: { id, salt } });
  }
  return list;
});
const before = process.memoryUsage();
const tree = timed('allocation tree (with its indexes)', () => buildAllocationTree(period, inputs));
const after = process.memoryUsage();
// Approximate (garbage not yet collected counts too): what holding the tree costs beyond its inputs.
const treeMiB = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1024 ** 2;
const script = commitmentScript(period, tree.root);
const tx = new Transaction();
tx.addInput(Buffer.alloc(32, 1), 0);
tx.addOutput(script, 0n);
const donorProof = timed("one donor's proof", () => donorProofJson(tree, tx.getId(), 'donor-42'));
const creatorProof = timed("one creator's proof", () => creatorProofJson(tree, tx.getId(), 'creator-42'));
timed("verify the donor's proof", () => verifyAllocationProof(donorProof, tx.toHex()));
const sumInputs = timed(`account commitments for ${donors + creators + 1} liabilities`, () => [
  ...Array.from({ length: donors }, (_, d) => `donor:donor-${d}`),
  ...Array.from({ length: creators }, (_, c) => `creator:creator-${c}`),
  'platform:fees',
].map((account, i) => ({ commitment: reservesAccountCommitment(reservesSalt(secret, period, account), account), amount: BigInt(i) * 1000n })));
timed('sum tree', () => buildSumTree(period, sumInputs));

process.stdout.write(
  [
    `commitment output: ${8 + 1 + script.length} bytes in the transaction (8 value, 1 script length, ${script.length} script), fee ${8 + 1 + script.length} x the fee rate`,
    `donor proof: ${donorProof.leaves.length} leaves, ${JSON.stringify(donorProof).length} bytes of JSON; creator proof: ${creatorProof.leaves.length} leaves, ${JSON.stringify(creatorProof).length} bytes`,
    `the tree: ${(tree.levels.reduce((sum, level) => sum + level.length, 0) / 1024 ** 2).toFixed(0)} MiB of level buffers; about ${treeMiB.toFixed(0)} MiB more heap and buffers than before it`,
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (RSS now ${(process.memoryUsage().rss / 1024 ** 2).toFixed(0)} MiB)`,
    '',
  ].join('\n'),
);
