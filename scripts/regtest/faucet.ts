// Funds addresses on a real regtest node, for tests (test/support/regtest.ts) and scripts (npm run demo):
//   faucet = new RegtestFaucet(new JsonRpcChainClient(node.rpcUrl)); await faucet.prepare();
//   const { txid, vouts } = await faucet.pay([{ address, amount: 5n * COIN }]); await faucet.mine();
// It owns a random key, mines to its own P2PKH address and tracks its coins by scanning every block
// plus its own transactions still in the mempool; a reorg triggers a full rescan. On bcoin,
// invalidateblock rewinds the chain AND empties the whole mempool: rebroadcast with broadcast(hex);
// dogecoind returns the orphaned block's transactions to its mempool. Works on both (the profile
// gives the address versions and the coinbase maturity: bcoin-regtest 100, dogecoin-regtest 60).
import { payments, script as bscript, Transaction } from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import * as ecc from 'tiny-secp256k1';
import { outputScriptFor, p2pkhAddress } from '../../src/chain/address';
import { parseBlock, parseTransaction, type ParsedTx } from '../../src/chain/block/block-parser';
import type { SigningKey } from '../../src/signer/hd-signer';
import { RpcError, type JsonRpcChainClient } from '../../src/node/rpc-client';
import { chainProfile, type ChainProfile } from '../../src/chain/profiles';

/** Random keys for test wallets. ecpair's declarations reach the linter as an unresolved type
 * (tsc's skipLibCheck hides the error inside them), so the one call used is typed here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call
const ECPair: { makeRandom(options: { network: ChainProfile['network'] }): SigningKey } = ECPairFactory(ecc);

/** Legacy P2PKH sizes (DESIGN.md section 4), worst case so the fee is never short. */
const TX_OVERHEAD_BYTES = 10;
const P2PKH_INPUT_BYTES = 148;
const P2PKH_OUTPUT_BYTES = 34;
/** bcoin (like Core) rejects a transaction with more than 24 unconfirmed ancestors (25 with itself). */
const MAX_UNCONFIRMED_ANCESTORS = 24;
/** Blocks a catch-up fetches per batched request (a block of regtest coinbases is small). */
const SCAN_BATCH = 100;

export type FaucetOutput = { address: string; amount: bigint };
export type Outpoint = { txid: string; vout: number; value: bigint };

export interface FaucetPayment {
  txid: string;
  hex: string;
  /** Output index of each requested output, in the order given (the change, if any, comes last). */
  vouts: number[];
}

export interface FeeOptions {
  /** Smallest units per byte of the worst-case size; default the profile's fee rate. */
  feePerByte?: bigint;
}

export interface FaucetOptions {
  /** How long to wait for a sent transaction to appear in getrawmempool. Default 5000 ms. */
  acceptTimeoutMs?: number;
}

export interface FaucetBalance {
  /** Confirmed and mature, plus unconfirmed change. */
  spendable: bigint;
  /** Coinbase outputs not yet mature. */
  immature: bigint;
  /** Part of `spendable` that is unconfirmed change. */
  unconfirmed: bigint;
}

/**
 * The node did not take a transaction. bcoin's sendrawtransaction answers a txid even when its
 * mempool refuses the transaction (it then never shows up there); dogecoind answers an RPC error,
 * whose text is kept in `reason`.
 */
export class TransactionNotAcceptedError extends Error {
  constructor(
    readonly txid: string,
    readonly inputs: readonly string[],
    timeoutMs: number,
    readonly reason?: string,
  ) {
    super(
      reason === undefined
        ? `transaction ${txid} (spending ${inputs.join(', ')}) did not appear in the node's mempool within ` +
            `${timeoutMs} ms: the node refused it (an input already spent or unknown, an immature coinbase, ` +
            `too low a fee, or more than ${MAX_UNCONFIRMED_ANCESTORS} unconfirmed ancestors)`
        : `transaction ${txid} (spending ${inputs.join(', ')}) did not appear in the node's mempool: the node refused it: ${reason}`,
    );
    this.name = 'TransactionNotAcceptedError';
  }
}

/** `height` is null while the creating transaction is in the mempool. */
type Coin = Outpoint & { height: number | null; coinbase: boolean };

const outpointKey = (txid: string, vout: number): string => `${txid}:${vout}`;
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RegtestFaucet {
  readonly keyPair: SigningKey;
  readonly address: string;
  readonly script: Uint8Array;
  private readonly scriptHex: string;
  private readonly acceptTimeoutMs: number;
  private readonly coins = new Map<string, Coin>();
  /** Block hash by height, as far as scanned (index 0 = genesis). */
  private blockHashes: string[] = [];
  /** Every transaction this faucet got accepted, in sending order. */
  private readonly sent = new Map<string, ParsedTx>();
  /** The ones among `sent` found in a scanned block. */
  private readonly confirmed = new Set<string>();

  constructor(
    readonly client: JsonRpcChainClient,
    readonly profile: ChainProfile = chainProfile('bcoin-regtest'),
    options: FaucetOptions = {},
  ) {
    ({ keyPair: this.keyPair, address: this.address, script: this.script } = randomP2pkhKey(profile));
    this.scriptHex = hexOf(this.script);
    this.acceptTimeoutMs = options.acceptTimeoutMs ?? 5_000;
  }

  /** Mines `blocks` to the faucet; the default 110 leaves 11 mature coinbase outputs. */
  async prepare(blocks = 110): Promise<string[]> {
    return this.mine(blocks);
  }

  async mine(blocks = 1, toAddress: string = this.address): Promise<string[]> {
    const hashes = await this.client.generateToAddress(blocks, toAddress);
    await this.sync();
    return hashes;
  }

  get height(): number {
    return this.blockHashes.length - 1;
  }

  balance(): FaucetBalance {
    const result: FaucetBalance = { spendable: 0n, immature: 0n, unconfirmed: 0n };
    for (const coin of this.coins.values()) {
      if (!this.isMature(coin)) result.immature += coin.value;
      else result.spendable += coin.value;
      if (coin.height === null) result.unconfirmed += coin.value;
    }
    return result;
  }

  /** One legacy P2PKH transaction paying every output (same address twice allowed), change last. */
  async pay(outputs: readonly FaucetOutput[], options: FeeOptions = {}): Promise<FaucetPayment> {
    if (outputs.length === 0) throw new Error('faucet.pay: no outputs');
    for (const { address, amount } of outputs) {
      if (amount <= 0n) throw new Error(`faucet.pay: amount for ${address} must be positive, got ${amount}`);
    }
    await this.sync();
    const feePerByte = options.feePerByte ?? this.profile.fee.perByte;
    const total = outputs.reduce((sum, output) => sum + output.amount, 0n);
    const feeFor = (inputs: number): bigint =>
      feePerByte * BigInt(txBytes(inputs, outputs.length + 1));
    const selected = this.selectCoins(total, feeFor);

    const tx = new Transaction();
    tx.version = 1;
    for (const coin of selected) tx.addInput(internalHash(coin.txid), coin.vout);
    const vouts = outputs.map(({ address, amount }) => tx.addOutput(outputScriptFor(this.profile, address), amount));
    const change = selected.reduce((sum, coin) => sum + coin.value, 0n) - total - feeFor(selected.length);
    // Change below the dust threshold goes to the fee, as a real wallet would do.
    if (change >= this.profile.dustThreshold) tx.addOutput(this.script, change);
    signP2pkhInputs(tx, selected.map(() => this.keyPair));

    const hex = tx.toHex();
    const txid = await this.broadcast(hex);
    return { txid, hex, vouts };
  }

  /** Spends P2PKH outputs of another key (e.g. a service address) to one address, minus the fee. */
  async spendFrom(
    keyPair: SigningKey,
    outpoints: readonly Outpoint[],
    toAddress: string,
    options: FeeOptions = {},
  ): Promise<string> {
    if (outpoints.length === 0) throw new Error('faucet.spendFrom: no outpoints');
    const feePerByte = options.feePerByte ?? this.profile.fee.perByte;
    const fee = feePerByte * BigInt(txBytes(outpoints.length, 1));
    const value = outpoints.reduce((sum, outpoint) => sum + outpoint.value, 0n) - fee;
    if (value <= 0n) throw new Error(`faucet.spendFrom: the outpoints do not cover the fee of ${fee}`);

    const tx = new Transaction();
    tx.version = 1;
    for (const outpoint of outpoints) tx.addInput(internalHash(outpoint.txid), outpoint.vout);
    tx.addOutput(outputScriptFor(this.profile, toAddress), value);
    signP2pkhInputs(tx, outpoints.map(() => keyPair));
    return this.broadcast(tx.toHex());
  }

  /**
   * Catches up with the node: scans new blocks, and rescans everything after a reorg. Called by
   * pay and mine; call it yourself after mining or invalidating blocks through other means.
   */
  async sync(): Promise<void> {
    const tip = await this.client.getBlockCount();
    const scanned = this.height;
    const reorged =
      scanned >= 0 && (tip < scanned || (await this.client.getBlockHash(scanned)) !== this.blockHashes[scanned]);
    if (reorged || scanned < 0) return this.rescan(tip);
    if (!(await this.scanBlocks(scanned + 1, tip))) return this.rescan(await this.client.getBlockCount());
  }

  private async rescan(tip: number): Promise<void> {
    this.coins.clear();
    this.confirmed.clear();
    this.blockHashes = [await this.client.getBlockHash(0)];
    if (!(await this.scanBlocks(1, tip))) return this.rescan(await this.client.getBlockCount());
    // Our transactions that the reorg returned to the mempool still hold (and spend) coins.
    const mempool = new Set(await this.client.getRawMempool());
    for (const [txid, tx] of this.sent) {
      if (this.confirmed.has(txid)) continue;
      if (mempool.has(txid)) this.apply(tx, null);
      else this.sent.delete(txid);
    }
  }

  /**
   * Scans the blocks at heights `from` to `to`, SCAN_BATCH at a time in two batched calls (their
   * hashes, then the blocks): a test's 110 blocks cost 4 requests instead of 220. False when a
   * block does not extend what was scanned, or a height has gone (a reorg under our feet).
   */
  private async scanBlocks(from: number, to: number): Promise<boolean> {
    for (let start = from; start <= to; start += SCAN_BATCH) {
      const heights = Array.from({ length: Math.min(SCAN_BATCH, to - start + 1) }, (_, i) => start + i);
      const hashes = await this.client.getBlockHashes(heights);
      if (!hashes.every((hash) => hash !== undefined)) return false;
      const blocks = await this.client.getRawBlocks(hashes);
      for (const [i, raw] of blocks.entries()) {
        const height = start + i;
        const block = parseBlock(raw, { auxpow: this.profile.auxpow });
        if (block.prevHash !== this.blockHashes[height - 1]) return false;
        for (const tx of block.transactions) this.apply(tx, height);
        this.blockHashes[height] = hashes[i] as string;
      }
    }
    return true;
  }

  private apply(tx: ParsedTx, height: number | null): void {
    for (const input of tx.inputs) this.coins.delete(outpointKey(input.prevTxid, input.prevVout));
    tx.outputs.forEach((output, vout) => {
      if (hexOf(output.script) !== this.scriptHex) return;
      const coin: Coin = { txid: tx.txid, vout, value: output.value, height, coinbase: tx.coinbase };
      this.coins.set(outpointKey(tx.txid, vout), coin);
    });
    if (height !== null && this.sent.has(tx.txid)) this.confirmed.add(tx.txid);
  }

  /** bcoin's mempool checks maturity against the next block's height. */
  private isMature(coin: Coin): boolean {
    return !coin.coinbase || (coin.height !== null && this.height + 1 - coin.height >= this.profile.coinbaseMaturity);
  }

  /** Unconfirmed transactions of ours that `txid` depends on, itself included. */
  private unconfirmedChain(txid: string, into = new Set<string>()): Set<string> {
    const tx = this.sent.get(txid);
    if (!tx || this.confirmed.has(txid) || into.has(txid)) return into;
    into.add(txid);
    for (const input of tx.inputs) this.unconfirmedChain(input.prevTxid, into);
    return into;
  }

  /** Confirmed coins first (largest first), then unconfirmed change with the shortest chains. */
  private selectCoins(total: bigint, feeFor: (inputs: number) => bigint): Coin[] {
    const candidates = [...this.coins.values()].filter((coin) => this.isMature(coin));
    const chainSize = new Map(candidates.map((coin) => [coin.txid, this.unconfirmedChain(coin.txid).size]));
    candidates.sort((a, b) => {
      const byChain = (chainSize.get(a.txid) ?? 0) - (chainSize.get(b.txid) ?? 0);
      return byChain !== 0 ? byChain : a.value > b.value ? -1 : a.value < b.value ? 1 : 0;
    });
    const selected: Coin[] = [];
    const ancestors = new Set<string>();
    let sum = 0n;
    let heldBack = 0n;
    for (const coin of candidates) {
      if (sum >= total + feeFor(selected.length)) break;
      const chain = this.unconfirmedChain(coin.txid);
      const union = new Set([...ancestors, ...chain]);
      if (union.size > MAX_UNCONFIRMED_ANCESTORS) {
        heldBack += coin.value;
        continue;
      }
      for (const txid of chain) ancestors.add(txid);
      selected.push(coin);
      sum += coin.value;
    }
    const needed = total + feeFor(selected.length);
    if (sum < needed) {
      const { spendable, immature } = this.balance();
      throw new Error(
        `faucet: cannot pay ${needed} (outputs plus fee): spendable ${spendable} of which ${heldBack} is held ` +
          `back by the ${MAX_UNCONFIRMED_ANCESTORS}-ancestor limit, immature ${immature}: mine more blocks`,
      );
    }
    return selected;
  }

  /**
   * Sends any signed transaction, waits until the node's mempool has it (bcoin's sendrawtransaction
   * answers the txid even for a transaction it refuses) and records its effect on the faucet's coins.
   */
  async broadcast(hex: string): Promise<string> {
    const tx = parseTransaction(Buffer.from(hex, 'hex'));
    const inputs = tx.inputs.map((input) => outpointKey(input.prevTxid, input.prevVout));
    await this.sync();
    try {
      await this.client.sendRawTransaction(hex, { txid: tx.txid });
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      throw new TransactionNotAcceptedError(tx.txid, inputs, 0, `${error.rpcCode}: ${error.rpcMessage}`);
    }
    const deadline = Date.now() + this.acceptTimeoutMs;
    for (;;) {
      if ((await this.client.getRawMempool()).includes(tx.txid)) break;
      if (Date.now() >= deadline) throw new TransactionNotAcceptedError(tx.txid, inputs, this.acceptTimeoutMs);
      await sleep(20);
    }
    this.sent.set(tx.txid, tx);
    this.apply(tx, null);
    return tx.txid;
  }
}

function p2pkhScript(publicKey: Uint8Array): Uint8Array {
  const output = payments.p2pkh({ pubkey: publicKey }).output;
  if (!output) throw new Error('no P2PKH script for this public key');
  return output;
}

function txBytes(inputs: number, outputs: number): number {
  return TX_OVERHEAD_BYTES + inputs * P2PKH_INPUT_BYTES + outputs * P2PKH_OUTPUT_BYTES;
}

function internalHash(txid: string): Uint8Array {
  return Uint8Array.from(Buffer.from(txid, 'hex').reverse());
}

/** SIGHASH_ALL over each input's P2PKH script; ecpair signs low-S, bitcoinjs encodes strict DER. */
function signP2pkhInputs(tx: Transaction, keys: readonly SigningKey[]): void {
  keys.forEach((key, index) => {
    const hash = tx.hashForSignature(index, p2pkhScript(key.publicKey), Transaction.SIGHASH_ALL);
    const signature = bscript.signature.encode(key.sign(hash), Transaction.SIGHASH_ALL);
    tx.setInputScript(index, bscript.compile([signature, key.publicKey]));
  });
}

/** A fresh random key and its P2PKH address, for tests that need a recipient they can spend from. */
export function randomP2pkhKey(profile: ChainProfile = chainProfile('bcoin-regtest')): {
  keyPair: SigningKey;
  address: string;
  script: Uint8Array;
} {
  const keyPair = ECPair.makeRandom({ network: profile.network });
  const script = p2pkhScript(keyPair.publicKey);
  return { keyPair, address: p2pkhAddress(profile, script.subarray(3, 23)), script };
}
