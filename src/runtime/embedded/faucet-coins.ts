import type { ParsedTx } from '../../chain/block/block-parser';

/**
 * The development faucet's coins, as plain data: the outputs paying its one script, as of a
 * scanned block (`confirmed`), and its own transactions not yet in a block (`pending`), which
 * spend some of those and may pay change back. No I/O: dev-faucet.ts feeds it blocks and
 * transactions and stores its state between starts.
 */
export interface FaucetCoin {
  txid: string;
  vout: number;
  amount: bigint;
  /** Height of the block that created it; null for the change of a pending transaction. */
  height: number | null;
  coinbase: boolean;
}

/** What is kept on disk: the confirmed coins as of block `height` (hash `hash`). */
export interface FaucetCoinsState {
  height: number;
  hash: string;
  coins: FaucetCoin[];
}

const key = (txid: string, vout: number): string => `${txid}:${vout}`;
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export class FaucetCoins {
  readonly #scriptHex: string;
  readonly #maturity: number;
  #height = -1;
  #hash = '';
  readonly #confirmed = new Map<string, FaucetCoin>();
  readonly #pending = new Map<string, ParsedTx>();

  constructor(script: Uint8Array, coinbaseMaturity: number, state?: FaucetCoinsState) {
    this.#scriptHex = hexOf(script);
    this.#maturity = coinbaseMaturity;
    if (state !== undefined) {
      this.#height = state.height;
      this.#hash = state.hash;
      for (const coin of state.coins) this.#confirmed.set(key(coin.txid, coin.vout), coin);
    }
  }

  get height(): number {
    return this.#height;
  }

  get hash(): string {
    return this.#hash;
  }

  /** False when the block does not extend the scanned chain (a reorg): rescan from scratch then. */
  applyBlock(height: number, hash: string, prevHash: string, transactions: readonly ParsedTx[]): boolean {
    if (height !== this.#height + 1 || (height > 0 && prevHash !== this.#hash)) return false;
    for (const tx of transactions) {
      for (const input of tx.inputs) this.#confirmed.delete(key(input.prevTxid, input.prevVout));
      tx.outputs.forEach((output, vout) => {
        if (hexOf(output.script) === this.#scriptHex) {
          this.#confirmed.set(key(tx.txid, vout), { txid: tx.txid, vout, amount: output.value, height, coinbase: tx.coinbase });
        }
      });
      this.#pending.delete(tx.txid);
    }
    this.#height = height;
    this.#hash = hash;
    return true;
  }

  addPending(tx: ParsedTx): void {
    this.#pending.set(tx.txid, tx);
  }

  /** Pending transactions the node no longer has (a restart emptied its mempool): forget them. */
  keepPendingOnly(inMempool: ReadonlySet<string>): void {
    for (const txid of [...this.#pending.keys()]) if (!inMempool.has(txid)) this.#pending.delete(txid);
  }

  /** Coins that can be spent in the next block: mature, not spent by a pending transaction; confirmed first, largest first. */
  spendable(): FaucetCoin[] {
    const spent = new Set<string>();
    const change: FaucetCoin[] = [];
    for (const tx of this.#pending.values()) {
      for (const input of tx.inputs) spent.add(key(input.prevTxid, input.prevVout));
      tx.outputs.forEach((output, vout) => {
        if (hexOf(output.script) === this.#scriptHex) change.push({ txid: tx.txid, vout, amount: output.value, height: null, coinbase: false });
      });
    }
    const confirmed = [...this.#confirmed.values()].filter((coin) => this.isMature(coin) && !spent.has(key(coin.txid, coin.vout)));
    const byAmount = (a: FaucetCoin, b: FaucetCoin): number => (a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : 0);
    return [...confirmed.sort(byAmount), ...change.filter((coin) => !spent.has(key(coin.txid, coin.vout))).sort(byAmount)];
  }

  /** Coinbase outputs still waiting for maturity. */
  immature(): bigint {
    let sum = 0n;
    for (const coin of this.#confirmed.values()) if (!this.isMature(coin)) sum += coin.amount;
    return sum;
  }

  state(): FaucetCoinsState {
    return { height: this.#height, hash: this.#hash, coins: [...this.#confirmed.values()] };
  }

  /** As the node's mempool checks it: against the height of the next block. */
  private isMature(coin: FaucetCoin): boolean {
    return !coin.coinbase || (coin.height !== null && this.#height + 1 - coin.height >= this.#maturity);
  }
}
