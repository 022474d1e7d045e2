import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMnemonic } from 'bip39';
import { z } from 'zod';
import { checkAddress, outputScriptFor } from '../../chain/address';
import { parseBlock, parseTransaction } from '../../chain/block/block-parser';
import type { ChainProfile } from '../../chain/profiles';
import { RECEIVE_CHAIN } from '../../chain/key-path';
import type { SpendableOutput, UnsignedTransaction } from '../../chain/tx/tx-builder';
import { feeFor, worstCaseTxBytes } from '../../chain/tx/tx-size';
import { KibbleError } from '../../errors';
import { AddressDeriver } from '../../keys/hd';
import { formatCoins } from '../../money/amount';
import type { ChainRpc, RegtestControl } from '../../node/rpc-client';
import { createSigner, type Signer } from '../../signer/hd-signer';
import { signSettlementTransaction } from '../../signer/tx-signer';
import { assertDevChain } from './dev-chain-guard';
import { FaucetCoins, type FaucetCoin, type FaucetCoinsState } from './faucet-coins';

/**
 * The embedded stack's faucet: test coins for the donor page's "send test coins" form and
 * `kibble dev fund`, on the embedded regtest chain only (dev-chain-guard.ts). Its key is a BIP39
 * mnemonic kept in DATA_DIR/faucet-keys.json (mode 0600), the same format and derivation as the
 * development wallet (address m/44'/coin'/0'/0/0); the embedded miner mines to it. Transactions
 * are built as the settlement builds them (legacy P2PKH, worst-case size at the chain's fee rate)
 * and signed by the settlement's signer. Its coins are tracked by reading each block once; the
 * state is kept in DATA_DIR/faucet-state.json so a restart reads only the blocks since.
 */

export interface TestCoinsSent {
  txid: string;
  address: string;
  amount: bigint;
}

export interface FaucetBalance {
  spendable: bigint;
  immature: bigint;
}

const KEYS_FILE = 'faucet-keys.json';
const STATE_FILE = 'faucet-state.json';
const KEY_PATH = { change: RECEIVE_CHAIN, index: 0 } as const;
/** Mature coinbase outputs the first start leaves (one coinbase each). */
const EXTRA_MATURE_BLOCKS = 10;
const MEMPOOL_WAIT_MS = 5_000;

const KEYS_SCHEMA = z.object({ warning: z.string(), chain: z.string(), mnemonic: z.string() });
const STATE_SCHEMA = z.object({
  chain: z.string(),
  height: z.number().int(),
  hash: z.string(),
  coins: z.array(z.object({ txid: z.string(), vout: z.number().int(), amount: z.string(), height: z.number().int(), coinbase: z.boolean() })),
});

export interface DevFaucetOptions {
  dataDir: string;
  chain: ChainProfile;
  rpc: ChainRpc & RegtestControl;
  /** Whether the node is the one kibble started (the guard refuses any other). */
  embeddedNode: boolean;
  log?: (message: string) => void;
}

export class DevFaucet {
  readonly address: string;
  readonly #chain: ChainProfile;
  readonly #rpc: ChainRpc & RegtestControl;
  readonly #signer: Signer;
  readonly #statePath: string;
  readonly #log: (message: string) => void;
  #coins: FaucetCoins;
  #storedHeight: number;
  /** Syncs, mining and payments run one at a time: two payments must not pick the same coin. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: DevFaucetOptions, signer: Signer) {
    this.#chain = options.chain;
    this.#rpc = options.rpc;
    this.#signer = signer;
    this.#statePath = join(options.dataDir, STATE_FILE);
    this.#log = options.log ?? (() => undefined);
    this.address = new AddressDeriver(options.chain, signer.accountXpub()).depositAddress(KEY_PATH.index);
    const stored = readState(this.#statePath, options.chain);
    this.#coins = new FaucetCoins(outputScriptFor(options.chain, this.address), options.chain.coinbaseMaturity, stored);
    this.#storedHeight = stored?.height ?? -1;
  }

  /** Refuses unless the chain is regtest and the node the embedded one; creates the key on first use. */
  static open(options: DevFaucetOptions): DevFaucet {
    assertDevChain({ chain: options.chain, embeddedNode: options.embeddedNode }, 'the test-coin faucet');
    mkdirSync(options.dataDir, { recursive: true });
    const mnemonic = loadOrCreateFaucetMnemonic(join(options.dataDir, KEYS_FILE), options.chain);
    return new DevFaucet(options, createSigner(options.chain, { mnemonic }));
  }

  /**
   * Reads the chain up to the tip and, when the faucet has no spendable coin, mines enough blocks
   * to it for coinbase outputs to mature (the chain's maturity plus a few). Returns blocks mined.
   */
  prepare(): Promise<number> {
    return this.#serially(async () => {
      await this.#sync();
      if (this.#coins.spendable().length > 0) return 0;
      const blocks = this.#chain.coinbaseMaturity + EXTRA_MATURE_BLOCKS;
      this.#log(`test-coin faucet: mining ${blocks} blocks to ${this.address} so that its coins mature`);
      await this.#rpc.generateToAddress(blocks, this.address);
      await this.#sync();
      return blocks;
    });
  }

  /** One block to the faucet (the embedded miner's tick); returns its hash. */
  mineBlock(): Promise<string> {
    return this.#serially(async () => {
      const [hash] = await this.#rpc.generateToAddress(1, this.address);
      await this.#sync();
      return hash ?? '';
    });
  }

  balance(): Promise<FaucetBalance> {
    return this.#serially(async () => {
      await this.#sync();
      return { spendable: this.#coins.spendable().reduce((sum, coin) => sum + coin.amount, 0n), immature: this.#coins.immature() };
    });
  }

  /** Sends `amount` to `address` in one transaction and waits until the node's mempool has it. */
  send(address: string, amount: bigint): Promise<TestCoinsSent> {
    return this.#serially(async () => {
      const check = checkAddress(this.#chain, address);
      if (!check.valid) throw new KibbleError('address-invalid', `"${address.slice(0, 64)}" is not a ${this.#chain.name} address (${check.reason})`);
      await this.#sync();
      const unsigned = buildFaucetTransaction(this.#chain, this.#coins.spendable(), this.address, address, amount);
      const signed = signSettlementTransaction(this.#chain, unsigned, this.#signer);
      await this.#rpc.sendRawTransaction(signed.raw, { txid: signed.txid });
      await this.#waitForMempool(signed.txid);
      this.#coins.addPending(parseTransaction(Buffer.from(signed.raw, 'hex')));
      this.#log(`test-coin faucet: sent ${formatCoins(amount)} ${this.#chain.ticker} to ${address} in ${signed.txid}`);
      return { txid: signed.txid, address, amount };
    });
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Reads the blocks since the last scanned one; after a reorg (regtest: rare) reads the chain again. */
  async #sync(): Promise<void> {
    const tip = await this.#rpc.getBlockCount();
    let rescanned = false;
    if (this.#coins.height > tip || (this.#coins.height >= 0 && (await this.#rpc.getBlockHash(this.#coins.height)) !== this.#coins.hash)) {
      this.#restart();
      rescanned = true;
    }
    for (let height = this.#coins.height + 1; height <= tip; height++) {
      const hash = await this.#rpc.getBlockHash(height);
      const block = parseBlock(await this.#rpc.getRawBlock(hash), { auxpow: this.#chain.auxpow });
      if (!this.#coins.applyBlock(height, hash, block.prevHash, block.transactions)) {
        if (rescanned) throw new KibbleError('internal', 'the test-coin faucet cannot follow the chain: it keeps changing under it');
        this.#restart();
        rescanned = true;
        height = -1;
      }
    }
    this.#coins.keepPendingOnly(new Set(await this.#rpc.getRawMempool()));
    if (this.#coins.height !== this.#storedHeight) {
      writeState(this.#statePath, this.#chain, this.#coins.state());
      this.#storedHeight = this.#coins.height;
    }
  }

  #restart(): void {
    this.#coins = new FaucetCoins(outputScriptFor(this.#chain, this.address), this.#chain.coinbaseMaturity);
  }

  /** bcoin answers sendrawtransaction with the txid even when its mempool refuses the transaction. */
  async #waitForMempool(txid: string): Promise<void> {
    const deadline = Date.now() + MEMPOOL_WAIT_MS;
    for (;;) {
      if ((await this.#rpc.getRawMempool()).includes(txid)) return;
      if (Date.now() > deadline) throw new KibbleError('broadcast-rejected', `the node did not take the faucet's transaction ${txid} into its mempool`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * One payment from the faucet's coins (largest first), change back to the faucet unless it would
 * be dust (then it goes to the fee). The fee is the chain's rate on the worst-case size, as for a
 * settlement, and signSettlementTransaction checks the same rails.
 */
export function buildFaucetTransaction(chain: ChainProfile, coins: readonly FaucetCoin[], faucetAddress: string, to: string, amount: bigint): UnsignedTransaction {
  if (amount < chain.dustThreshold) {
    throw new KibbleError('amount-invalid', `send at least ${formatCoins(chain.dustThreshold)} ${chain.ticker} (smaller outputs are dust)`);
  }
  const toScript = outputScriptFor(chain, to).length;
  const changeScript = outputScriptFor(chain, faucetAddress).length;
  const inputs: SpendableOutput[] = [];
  let sum = 0n;
  const feeWith = (outputs: number[]): bigint => feeFor(worstCaseTxBytes(inputs.length, outputs), chain.fee.perByte);
  for (const coin of coins) {
    if (sum >= amount + feeWith([toScript, changeScript])) break;
    inputs.push({ txid: coin.txid, vout: coin.vout, amount: coin.amount, address: faucetAddress, keyPath: KEY_PATH });
    sum += coin.amount;
  }
  const withChange = feeWith([toScript, changeScript]);
  // Without a change output the transaction is smaller: enough when the change would be dust anyway.
  if (inputs.length === 0 || sum < amount + feeWith([toScript])) {
    const spendable = coins.reduce((total, coin) => total + coin.amount, 0n);
    throw new KibbleError(
      'insufficient-funds',
      `the test-coin faucet has ${formatCoins(spendable)} ${chain.ticker} to spend now, not ${formatCoins(amount)} plus the network fee: ask for less, or wait for more mined blocks to mature`,
      { spendable, requested: amount },
    );
  }
  const change = sum - amount - withChange;
  const outputs = [{ address: to, amount, paymentIds: [] }];
  if (change >= chain.dustThreshold) {
    outputs.push({ address: faucetAddress, amount: change, paymentIds: [] });
    return { inputs, outputs, fee: withChange, worstCaseBytes: worstCaseTxBytes(inputs.length, [toScript, changeScript]) };
  }
  return { inputs, outputs, fee: sum - amount, worstCaseBytes: worstCaseTxBytes(inputs.length, [toScript]) };
}

function loadOrCreateFaucetMnemonic(file: string, chain: ChainProfile): string {
  if (!existsSync(file)) {
    const contents = { warning: 'TEST-COIN FAUCET of the embedded regtest stack. Never send real coins to it.', chain: chain.name, mnemonic: generateMnemonic(256) };
    writeFileSync(file, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const stored = KEYS_SCHEMA.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!stored.success) throw new KibbleError('config-invalid', `${file} is not a kibble faucet key file; move it away to make a new one`);
  if (stored.data.chain !== chain.name) throw new KibbleError('config-invalid', `${file} holds a faucet key for ${stored.data.chain}, not ${chain.name}; use another DATA_DIR`);
  return stored.data.mnemonic;
}

function readState(file: string, chain: ChainProfile): FaucetCoinsState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = STATE_SCHEMA.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  // Unreadable or another chain's: read the chain from the start instead.
  if (!parsed.success || parsed.data.chain !== chain.name) return undefined;
  return { height: parsed.data.height, hash: parsed.data.hash, coins: parsed.data.coins.map((coin) => ({ ...coin, amount: BigInt(coin.amount) })) };
}

function writeState(file: string, chain: ChainProfile, state: FaucetCoinsState): void {
  const contents = { chain: chain.name, height: state.height, hash: state.hash, coins: state.coins.map((coin) => ({ ...coin, amount: coin.amount.toString() })) };
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(contents)}\n`);
  renameSync(temporary, file);
}
