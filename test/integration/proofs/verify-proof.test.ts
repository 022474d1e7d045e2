import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payments, script as bscript, Transaction } from 'bitcoinjs-lib';
import { outputScriptFor } from '../../../src/chain/address';
import { parseBlock } from '../../../src/chain/block/block-parser';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { buildAllocationTree, type AllocationTree } from '../../../src/proofs/allocation-tree';
import { commitmentScript } from '../../../src/proofs/commitment';
import { creatorProofJson, donorProofJson, type AllocationProofJson } from '../../../src/proofs/proof-format';
import { allocationSalt } from '../../../src/proofs/salts';
import { runKibble } from '../../support/cli';
import { RegtestFaucet, randomP2pkhKey } from '../../support/faucet';
import { describeEachNode, useRegtestNode } from '../../support/regtest';

const COIN = 100_000_000n;
const PERIOD = '2026-11';
const SECRET = new Uint8Array(32).fill(42);
const ALLOCATIONS = [
  ['donor-1', 'creator-a', 150_000_000n],
  ['donor-1', 'creator-b', 150_000_000n],
  ['donor-2', 'creator-a', 90_000_000n],
  ['donor-2', 'creator-c', 45_000_000n],
  ['donor-3', 'creator-c', 7_000_000n],
] as const;

/**
 * The whole verify-proof path on a real node: a transaction carrying a month's commitment in its
 * OP_RETURN output is built here with bitcoinjs-lib (as the settlement will), broadcast and mined;
 * `kibble verify-proof` then checks donors' and creators' proofs against it, fetched with --rpc
 * or given with --tx, and refuses tampered ones.
 */
describeEachNode('kibble verify-proof against a regtest node', (kind) => {
  const node = useRegtestNode(kind);
  const dir = mkdtempSync(join(tmpdir(), 'kibble-proofs-'));
  let client: JsonRpcChainClient;
  let tree: AllocationTree;
  let txid: string;
  let rawTx: string;

  const writeProof = (name: string, proof: unknown): string => {
    const path = join(dir, `${kind}-${name}.json`);
    writeFileSync(path, JSON.stringify(proof, null, 2));
    return path;
  };
  const tamperedAmount = (proof: AllocationProofJson): AllocationProofJson => {
    const copy = JSON.parse(JSON.stringify(proof)) as AllocationProofJson;
    const leaf = copy.leaves[0] as AllocationProofJson['leaves'][number];
    leaf.amount = (BigInt(leaf.amount) * 2n).toString();
    return copy;
  };

  beforeAll(async () => {
    client = new JsonRpcChainClient(node.rpcUrl);
    const faucet = new RegtestFaucet(client, node.chain);
    await faucet.prepare();
    tree = buildAllocationTree(
      PERIOD,
      ALLOCATIONS.map(([donor, creator, amount]) => ({ creator, amount, donor: { id: donor, salt: allocationSalt(SECRET, PERIOD, donor) } })),
    );

    // A "settlement": spends a coin of our own key, pays one output and commits the root.
    const payer = randomP2pkhKey(node.chain);
    const funding = await faucet.pay([{ address: payer.address, amount: 10n * COIN }]);
    await faucet.mine();
    const tx = new Transaction();
    tx.version = 1;
    tx.addInput(Uint8Array.from(Buffer.from(funding.txid, 'hex').reverse()), funding.vouts[0] as number);
    const fee = node.chain.fee.perByte * 300n; // well above the ~240 bytes of one input and these two outputs
    tx.addOutput(outputScriptFor(node.chain, faucet.address), 10n * COIN - fee);
    tx.addOutput(commitmentScript(PERIOD, tree.root), 0n);
    const prevScript = payments.p2pkh({ pubkey: payer.keyPair.publicKey }).output as Uint8Array;
    const signature = bscript.signature.encode(payer.keyPair.sign(tx.hashForSignature(0, prevScript, Transaction.SIGHASH_ALL)), Transaction.SIGHASH_ALL);
    tx.setInputScript(0, bscript.compile([signature, payer.keyPair.publicKey]));
    rawTx = tx.toHex();
    txid = await faucet.broadcast(rawTx);
  }, 120_000);

  it('verifies every donor and creator proof with --rpc while the transaction is in the mempool', async () => {
    const proofs = [
      ...['donor-1', 'donor-2', 'donor-3'].map((donor) => donorProofJson(tree, txid, donor)),
      ...['creator-a', 'creator-b', 'creator-c'].map((creator) => creatorProofJson(tree, txid, creator)),
    ];
    for (const [i, proof] of proofs.entries()) {
      const result = await runKibble('verify-proof', writeProof(`proof-${i}`, proof), '--rpc', node.rpcUrl);
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(result.stdout).toContain(`valid: transaction ${txid} (output 1) commits to the allocations of ${PERIOD}`);
    }
    const donor2 = await runKibble('verify-proof', writeProof('donor-2', donorProofJson(tree, txid, 'donor-2')), '--rpc', node.rpcUrl, '--json');
    expect(JSON.parse(donor2.stdout)).toMatchObject({
      valid: true,
      proves: { txid, leaves: expect.arrayContaining([{ creator: 'creator-a', amount: '90000000', donor: 'donor-2', donorCommitment: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown }]) as unknown },
    });
  });

  it('fails a tampered proof with --rpc: exit 1 and the reason', async () => {
    const result = await runKibble('verify-proof', writeProof('tampered-rpc', tamperedAmount(creatorProofJson(tree, txid, 'creator-a'))), '--rpc', node.rpcUrl);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^NOT valid \(root-mismatch\): /);
  });

  it('once mined, verifies with --tx (the raw transaction taken from the block) and fails tampered proofs', async () => {
    const [blockHash] = await client.generateToAddress(1, randomP2pkhKey(node.chain).address);
    const block = parseBlock(await client.getRawBlock(blockHash as string), { auxpow: false });
    expect(block.transactions.map((t) => t.txid)).toContain(txid);

    const good = await runKibble('verify-proof', writeProof('donor-1-mined', donorProofJson(tree, txid, 'donor-1')), '--tx', rawTx);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('2 allocations in the proof, 3 coins in all');

    const pathTampered = donorProofJson(tree, txid, 'donor-1');
    const leaf = pathTampered.leaves[1] as AllocationProofJson['leaves'][number];
    leaf.path[0] = (leaf.path[0] as string).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const creatorTampered = donorProofJson(tree, txid, 'donor-1');
    (creatorTampered.leaves[0] as AllocationProofJson['leaves'][number]).creator = 'creator-z';
    for (const [name, proof] of [['path', pathTampered], ['creator', creatorTampered], ['amount', tamperedAmount(donorProofJson(tree, txid, 'donor-3'))]] as const) {
      const result = await runKibble('verify-proof', writeProof(`tampered-${name}`, proof), '--tx', rawTx);
      expect({ name, exitCode: result.exitCode, reason: /^NOT valid \(([a-z-]+)\)/.exec(result.stdout)?.[1] }).toEqual({ name, exitCode: 1, reason: 'root-mismatch' });
    }
  });

  it('says how to go on when the node cannot find the transaction (no -txindex)', async () => {
    const unknownTx = { ...donorProofJson(tree, txid, 'donor-1'), txid: 'ab'.repeat(32) };
    const result = await runKibble('verify-proof', writeProof('unknown-tx', unknownTx), '--rpc', node.rpcUrl);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('-txindex');
    expect(result.stderr).toContain('--tx');
    expect(result.stderr).not.toContain(node.rpcUrl); // the URL's credentials stay out of messages
  });
});
