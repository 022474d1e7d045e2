// Writes test/fixtures/proofs/allocation.json and reserves.json: the worked examples of
// docs/proofs.md and the valid/invalid vectors built from them. The unit tests recompute every
// value from the inputs, so a change to an encoding shows up as a failing vector, not a silent
// rewrite: run this only when the spec itself changes (and then update docs/proofs.md too).
//   npx tsx scripts/proofs/example-vectors.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opcodes, script as bscript, Transaction } from 'bitcoinjs-lib';
import { allocationLeafBytes, allocationLeaves, allocationLevels, buildAllocationTree } from '../../src/proofs/allocation-tree';
import { commitmentScript } from '../../src/proofs/commitment';
import { toHex } from '../../src/proofs/encoding';
import { donorProofJson, creatorProofJson, type AllocationProofJson } from '../../src/proofs/proof-format';
import { allocationSalt, reservesSalt } from '../../src/proofs/salts';
import { buildSumTree, reservesAccountCommitment, sumPath } from '../../src/proofs/sum-tree';
import { verifyAllocationProof } from '../../src/proofs/verify-allocation-proof';

const OUT = join(__dirname, '../../test/fixtures/proofs');
const SECRET = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const PERIOD = '2026-11';
const ALLOCATIONS = [
  { donor: 'donor-alice', creator: 'creator-carol', amount: '150000000' },
  { donor: 'donor-alice', creator: 'creator-dave', amount: '150000000' },
  { donor: 'donor-alice', creator: 'creator-erin', amount: '150000000' },
  { donor: 'donor-bob', creator: 'creator-carol', amount: '90000000' },
  { donor: 'donor-bob', creator: 'creator-erin', amount: '45000000' },
];

const tree = buildAllocationTree(
  PERIOD,
  ALLOCATIONS.map((a) => ({ creator: a.creator, amount: BigInt(a.amount), donor: { id: a.donor, salt: allocationSalt(SECRET, PERIOD, a.donor) } })),
);

/** A settlement-like transaction: one input (unsigned: verification never looks at inputs), a payment, the commitment. */
function settlementTx(extraOutputs: (tx: Transaction) => void = (tx) => tx.addOutput(commitmentScript(PERIOD, tree.root), 0n)): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.alloc(32, 0x11), 0);
  tx.addOutput(Buffer.from('76a914' + '22'.repeat(20) + '88ac', 'hex'), 405_000_000n);
  extraOutputs(tx);
  return tx;
}

const tx = settlementTx();
const txid = tx.getId();
const rawTx = tx.toHex();
const aliceProof = donorProofJson(tree, txid, 'donor-alice');
const bobProof = donorProofJson(tree, txid, 'donor-bob');
const carolProof = creatorProofJson(tree, txid, 'creator-carol');

function expectedOf(proof: AllocationProofJson, raw: string): unknown {
  const verdict = verifyAllocationProof(proof, raw);
  if (!verdict.valid) throw new Error(`example proof does not verify: ${verdict.message}`);
  return JSON.parse(JSON.stringify(verdict.proves, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
}

const clone = (proof: AllocationProofJson): AllocationProofJson => JSON.parse(JSON.stringify(proof)) as AllocationProofJson;
function tampered(change: (proof: AllocationProofJson & Record<string, unknown>) => void, base = aliceProof): unknown {
  const copy = clone(base) as AllocationProofJson & Record<string, unknown>;
  change(copy);
  return copy;
}
const flipHex = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
const first = (proof: AllocationProofJson) => proof.leaves[0] as AllocationProofJson['leaves'][number];

const otherPeriodTx = settlementTx((t) => t.addOutput(commitmentScript('2026-10', tree.root), 0n));
const noCommitmentTx = settlementTx((t) => t.addOutput(bscript.compile([opcodes.OP_RETURN, Buffer.from('other protocol')]), 0n));
const twoCommitmentsTx = settlementTx((t) => {
  t.addOutput(commitmentScript(PERIOD, tree.root), 0n);
  t.addOutput(commitmentScript(PERIOD, tree.root), 0n);
});
const shortCommitmentTx = settlementTx((t) => t.addOutput(bscript.compile([opcodes.OP_RETURN, Buffer.concat([Buffer.from('kbl1' + PERIOD), tree.root.subarray(0, 31)])]), 0n));
const valuedCommitmentTx = settlementTx((t) => t.addOutput(commitmentScript(PERIOD, tree.root), 1000n));
const badPeriodCommitmentTx = settlementTx((t) => t.addOutput(bscript.compile([opcodes.OP_RETURN, Buffer.concat([Buffer.from('kbl12026-13'), tree.root])]), 0n));
const nonMinimalTx = settlementTx((t) => t.addOutput(Buffer.concat([Buffer.from([opcodes.OP_RETURN, opcodes.OP_PUSHDATA1, 43]), Buffer.from('kbl1' + PERIOD), tree.root]), 0n));
const forTx = (t: Transaction) => ({ rawTx: t.toHex(), withTxid: (p: AllocationProofJson) => ({ ...p, txid: t.getId() }) });

const invalid = [
  { description: 'amount changed', proof: tampered((p) => { first(p).amount = '150000001'; }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'creator changed', proof: tampered((p) => { first(p).creator = 'creator-mallory'; }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'salt changed', proof: tampered((p) => { const d = first(p).donor as { salt: string }; d.salt = flipHex(d.salt); }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'donor id changed', proof: tampered((p) => { (first(p).donor as { id: string }).id = 'donor-bob'; }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'donor commitment changed', proof: tampered((p) => { const d = first(p).donor as { commitment: string }; d.commitment = flipHex(d.commitment); }, carolProof), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'path element changed', proof: tampered((p) => { first(p).path[0] = flipHex(first(p).path[0] as string); }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'path elements swapped', proof: tampered((p) => { first(p).path.reverse(); }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'path element dropped', proof: tampered((p) => { first(p).path.pop(); }), rawTx, code: 'proof-mismatch', reason: 'path-length' },
  { description: 'path element added', proof: tampered((p) => { first(p).path.push(toHex(tree.root)); }), rawTx, code: 'proof-mismatch', reason: 'path-length' },
  { description: 'leaf index changed', proof: tampered((p) => { first(p).index ^= 1; }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'leaf index beyond the leaf count', proof: tampered((p) => { first(p).index = 5; }), rawTx, code: 'proof-mismatch', reason: 'index-out-of-range' },
  { description: 'leaf count changed', proof: tampered((p) => { p.leafCount = 6; }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'root changed', proof: tampered((p) => { p.root = flipHex(p.root); }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'period changed', proof: tampered((p) => { p.period = '2026-10'; }), rawTx, code: 'proof-mismatch', reason: 'root-mismatch' },
  { description: 'txid of another transaction', proof: tampered((p) => { p.txid = flipHex(p.txid); }), rawTx, code: 'proof-mismatch', reason: 'txid-mismatch' },
  { description: 'the same leaf twice', proof: tampered((p) => { p.leaves.push(first(p)); }), rawTx, code: 'proof-invalid', reason: 'duplicate-leaf' },
  { description: 'transaction commits to another period', proof: forTx(otherPeriodTx).withTxid(aliceProof), rawTx: otherPeriodTx.toHex(), code: 'proof-mismatch', reason: 'period-mismatch' },
  { description: 'transaction without a kibble commitment', proof: forTx(noCommitmentTx).withTxid(aliceProof), rawTx: noCommitmentTx.toHex(), code: 'commitment-missing', reason: 'commitment-missing' },
  { description: 'transaction with two commitments', proof: forTx(twoCommitmentsTx).withTxid(aliceProof), rawTx: twoCommitmentsTx.toHex(), code: 'commitment-invalid', reason: 'commitment-invalid' },
  { description: 'commitment one byte short', proof: forTx(shortCommitmentTx).withTxid(aliceProof), rawTx: shortCommitmentTx.toHex(), code: 'commitment-invalid', reason: 'commitment-invalid' },
  { description: 'commitment output with a value', proof: forTx(valuedCommitmentTx).withTxid(aliceProof), rawTx: valuedCommitmentTx.toHex(), code: 'commitment-invalid', reason: 'commitment-invalid' },
  { description: 'commitment with month 13', proof: forTx(badPeriodCommitmentTx).withTxid(aliceProof), rawTx: badPeriodCommitmentTx.toHex(), code: 'commitment-invalid', reason: 'commitment-invalid' },
  { description: 'commitment pushed with a non-minimal OP_PUSHDATA1', proof: forTx(nonMinimalTx).withTxid(aliceProof), rawTx: nonMinimalTx.toHex(), code: 'commitment-invalid', reason: 'commitment-invalid' },
  { description: 'raw transaction truncated', proof: aliceProof, rawTx: rawTx.slice(0, -8), code: 'transaction-invalid', reason: 'transaction-invalid' },
  { description: 'raw transaction not hex', proof: aliceProof, rawTx: 'zz', code: 'transaction-invalid', reason: 'transaction-invalid' },
  { description: 'unknown version', proof: tampered((p) => { (p as Record<string, unknown>)['version'] = 2; }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'unknown field', proof: tampered((p) => { p['note'] = 'x'; }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'amount zero', proof: tampered((p) => { first(p).amount = '0'; }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'amount as a JSON number', proof: tampered((p) => { (first(p) as Record<string, unknown>)['amount'] = 150000000; }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'upper-case hex', proof: tampered((p) => { p.root = p.root.toUpperCase(); }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'both salt and commitment', proof: tampered((p) => { (first(p).donor as Record<string, string>)['commitment'] = toHex(tree.root); }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'no leaves', proof: tampered((p) => { p.leaves = []; }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
  { description: 'month 13', proof: tampered((p) => { p.period = '2026-13'; }), rawTx, code: 'proof-invalid', reason: 'proof-invalid' },
];
for (const vector of invalid) {
  const verdict = verifyAllocationProof(vector.proof, vector.rawTx);
  if (verdict.valid || verdict.code !== vector.code || verdict.reason !== vector.reason) {
    throw new Error(`invalid vector "${vector.description}" gives ${JSON.stringify(verdict)}`);
  }
}

const allocation = {
  description: 'docs/proofs.md worked example: the allocation tree of 2026-11 and its proofs. Amounts are decimal strings of smallest units; hex is in hashing order (the txid in display order).',
  example: {
    saltSecret: SECRET.toString('hex'),
    period: PERIOD,
    allocations: ALLOCATIONS,
    expected: {
      salts: Object.fromEntries(['donor-alice', 'donor-bob'].map((d) => [d, toHex(allocationSalt(SECRET, PERIOD, d))])),
      leaves: allocationLeaves(tree).map((leaf) => ({
        creator: leaf.creator,
        amount: leaf.amount.toString(),
        donor: 'id' in leaf.donor ? leaf.donor.id : undefined,
        donorCommitment: toHex(leaf.donorCommitment),
        leafBytes: toHex(allocationLeafBytes(PERIOD, leaf.creator, leaf.amount, leaf.donorCommitment)),
        hash: toHex(leaf.hash),
      })),
      levels: allocationLevels(tree).map((level) => level.map(toHex)),
      root: toHex(tree.root),
      commitmentScript: toHex(commitmentScript(PERIOD, tree.root)),
      rawTx,
      txid,
    },
  },
  valid: [
    { description: "donor-alice's proof (three leaves, id and salt shown)", proof: aliceProof, rawTx, expected: expectedOf(aliceProof, rawTx) },
    { description: "donor-bob's proof", proof: bobProof, rawTx, expected: expectedOf(bobProof, rawTx) },
    { description: "creator-carol's proof (donors as commitments)", proof: carolProof, rawTx, expected: expectedOf(carolProof, rawTx) },
  ],
  invalid,
};
writeFileSync(join(OUT, 'allocation.json'), `${JSON.stringify(allocation, null, 2)}\n`);

// The proof-of-reserves example: three liabilities of snapshot 2026-11.
const SNAPSHOT = '2026-11';
const LIABILITIES = [
  { account: 'donor:donor-alice', amount: '50000000' },
  { account: 'creator:creator-erin', amount: '195000000' },
  { account: 'platform:fees', amount: '46500000' },
];
const sumTree = buildSumTree(SNAPSHOT, LIABILITIES.map((l) => ({ commitment: reservesAccountCommitment(reservesSalt(SECRET, SNAPSHOT, l.account), l.account), amount: BigInt(l.amount) })));
const node = (n: { hash: Uint8Array; sum: bigint }) => ({ hash: toHex(n.hash), sum: n.sum.toString() });
const reserves = {
  description: 'docs/proofs.md worked example: a Merkle-sum tree of three liabilities (snapshot 2026-11) and the path of every leaf.',
  example: {
    saltSecret: SECRET.toString('hex'),
    snapshot: SNAPSHOT,
    liabilities: LIABILITIES,
    expected: {
      salts: Object.fromEntries(LIABILITIES.map((l) => [l.account, toHex(reservesSalt(SECRET, SNAPSHOT, l.account))])),
      leaves: sumTree.leaves.map((leaf) => ({ commitment: toHex(leaf.commitment), amount: leaf.amount.toString(), hash: toHex(leaf.hash) })),
      levels: sumTree.levels.map((level) => level.map(node)),
      paths: sumTree.leaves.map((_leaf, index) => sumPath(sumTree, index).map(node)),
      root: node(sumTree.root),
    },
  },
};
writeFileSync(join(OUT, 'reserves.json'), `${JSON.stringify(reserves, null, 2)}\n`);
process.stdout.write(`wrote ${invalid.length} invalid allocation vectors; root ${toHex(tree.root)}; reserves root ${toHex(sumTree.root.hash)} total ${sumTree.root.sum}\n`);
