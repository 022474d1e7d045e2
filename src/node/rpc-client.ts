import { z } from 'zod';
import { KibbleError } from '../errors';
import { parseTransaction } from '../chain/block/block-parser';
import { JsonRpcTransport, RpcError, type BatchOutcome, type RpcTransportOptions } from './rpc-transport';

export {
  RpcError,
  RpcUnreachableError,
  type RetryNotice,
  type RpcTransportOptions,
} from './rpc-transport';

/**
 * The one interface kibble uses to reach a chain (DESIGN.md section 4). The JSON-RPC client below is
 * its first backend; anything else (an Esplora-style API, a test double) implements the same.
 * Amounts are bigint smallest units; hashes are display hex.
 */
export interface ChainRpc {
  getBlockchainInfo(): Promise<BlockchainInfo>;
  getBlockCount(): Promise<number>;
  getBlockHash(height: number): Promise<string>;
  getBestBlockHash(): Promise<string>;
  /** The serialized block, for `parseBlock`. */
  getRawBlock(hash: string): Promise<Uint8Array>;
  /**
   * The hashes of the best chain's blocks at these heights, in one round trip; undefined for a
   * height above the tip.
   */
  getBlockHashes(heights: readonly number[]): Promise<Array<string | undefined>>;
  /** Serialized blocks, in one round trip; fails as getRawBlock would for any of them. */
  getRawBlocks(hashes: readonly string[]): Promise<Uint8Array[]>;
  getRawMempool(): Promise<string[]>;
  /** A serialized transaction; without -txindex only mempool transactions are found. */
  getRawTransaction(txid: string): Promise<Uint8Array>;
  /** An unspent output, or null when it is spent or unknown. */
  getTxOut(txid: string, vout: number, includeMempool?: boolean): Promise<TxOutInfo | null>;
  /**
   * Broadcasts and returns the txid. A transaction the node already has counts as sent, so
   * repeating a broadcast is safe.
   */
  sendRawTransaction(rawHex: string, options?: BroadcastOptions): Promise<string>;
  /** Smallest units per 1000 bytes, or null when the node has no estimate yet. */
  estimateFee(targetBlocks: number): Promise<bigint | null>;
}

/** Node controls only tests use on regtest; kept apart so production code cannot reach them. */
export interface RegtestControl {
  generateToAddress(blocks: number, address: string): Promise<string[]>;
  invalidateBlock(hash: string): Promise<void>;
}

export interface BlockchainInfo {
  chain: string;
  blocks: number;
  headers: number;
  bestBlockHash: string;
  /** Absent on bcoin. */
  initialBlockDownload: boolean | undefined;
}

export interface TxOutInfo {
  bestBlock: string;
  confirmations: number;
  value: bigint;
  scriptHex: string;
  coinbase: boolean;
}

export interface BroadcastOptions {
  /** The txid the caller computed; returned when the node already knows the transaction. */
  txid?: string;
  /** Dogecoin refuses fees above 100 DOGE unless this is set (second argument `true`). */
  allowHighFees?: boolean;
}

const UNITS_PER_COIN = 100_000_000n;
const HASH_HEX = /^[0-9a-fA-F]{64}$/;
/** Core's RPC_INVALID_PARAMETER: getblockhash's answer for a height above the tip (bcoin's too). */
const RPC_INVALID_PARAMETER = -8;
/** RPC_MISC_ERROR: among others, bcoin's getblockhash for a height it holds no block at. */
const RPC_MISC_ERROR = -1;

/**
 * No block at that height: above the tip, or (bcoin) a height its chain is being rewound through
 * (invalidateblock, a reorg), whose tip is not lowered yet while the block is gone. Both are "no
 * block there now" to the scanner, which then checks the chain again (a reorg), rather than an
 * error that fails its pass.
 */
function isNoBlockAtHeight(error: RpcError): boolean {
  return error.rpcCode === RPC_INVALID_PARAMETER || (error.rpcCode === RPC_MISC_ERROR && /^not found\.?$/i.test(error.rpcMessage));
}
/** JSON-RPC "method not found": the node predates the method (estimatesmartfee on old nodes). */
const RPC_METHOD_NOT_FOUND = -32601;
/** Core's RPC_VERIFY_ALREADY_IN_CHAIN. */
const RPC_ALREADY_IN_CHAIN = -27;
/** How Core, Dogecoin Core and bcoin word "I have this transaction already". */
const ALREADY_KNOWN =
  /already in block chain|txn-already-known|already have transaction|txn-already-in-mempool/i;

const blockchainInfoSchema = z.object({
  chain: z.string(),
  blocks: z.number().int().nonnegative(),
  headers: z.number().int().nonnegative(),
  bestblockhash: z.string().regex(HASH_HEX),
  initialblockdownload: z.boolean().optional(),
});
const hashSchema = z.string().regex(HASH_HEX);
const txOutSchema = z
  .object({
    bestblock: hashSchema,
    confirmations: z.number().int().nonnegative(),
    value: z.number().nonnegative(),
    scriptPubKey: z.object({ hex: z.string() }),
    coinbase: z.boolean(),
  })
  .nullable();
// Core and Dogecoin answer { feerate }, bcoin { fee }; either may be -1 or missing when unknown.
const smartFeeSchema = z.object({ feerate: z.number().optional(), fee: z.number().optional() });

/**
 * Coins as the node's JSON number to smallest units. toFixed(8) rounds to the nearest unit, which
 * is what the node meant: it printed an exact number of units as a decimal.
 */
export function coinsToUnits(coins: number): bigint {
  const [whole = '0', fraction = ''] = coins.toFixed(8).split('.');
  const sign = whole.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole.replace('-', '')) * UNITS_PER_COIN + BigInt(fraction.padEnd(8, '0')));
}

function requireHash(what: string, value: string): void {
  if (!HASH_HEX.test(value)) {
    throw new KibbleError('validation-failed', `${what} must be 64 hex characters, got "${value}"`);
  }
}

function requireHeight(height: number): void {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new KibbleError('validation-failed', `block height must be a whole number >= 0, got ${height}`);
  }
}

/** One batch answer's result, shape-checked as `call` checks a single one; its RpcError thrown. */
function checked<T>(method: string, answer: BatchOutcome, schema: z.ZodType<T>): T {
  if (!answer.ok) throw answer.error;
  const parsed = schema.safeParse(answer.result);
  if (!parsed.success) {
    throw new KibbleError('rpc-error', `${method} returned an unexpected result: ${parsed.error.message}`, { method });
  }
  return parsed.data;
}

function hexToBytes(method: string, subject: string, hex: string): Uint8Array {
  const bytes = Buffer.from(hex, 'hex');
  // Buffer.from stops silently at the first non-hex character; a short decode means bad data.
  if (bytes.length * 2 !== hex.length) {
    throw new KibbleError('block-invalid', `${method} ${subject} returned data that is not hex`, { subject });
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function isAlreadyKnownError(error: unknown): boolean {
  return (
    error instanceof RpcError &&
    (error.rpcCode === RPC_ALREADY_IN_CHAIN || ALREADY_KNOWN.test(error.rpcMessage))
  );
}

/** The Bitcoin-Core-style JSON-RPC backend; also speaks to bcoin. */
export class JsonRpcChainClient implements ChainRpc, RegtestControl {
  private readonly transport: JsonRpcTransport;

  /** @param url `http://user:pass@host:port/`; credentials are sent as basic auth only. */
  constructor(url: string, options: RpcTransportOptions = {}) {
    this.transport = new JsonRpcTransport(url, options);
  }

  /** Safe to log. */
  get redactedUrl(): string {
    return this.transport.redactedUrl;
  }

  /** Calls a method and checks the shape of its result, so callers get typed data or a clear error. */
  async call<T>(method: string, params: readonly unknown[], schema: z.ZodType<T>): Promise<T> {
    const result = await this.transport.call(method, params);
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      const problem = parsed.error.message;
      throw new KibbleError('rpc-error', `${method} returned an unexpected result: ${problem}`, {
        method,
      });
    }
    return parsed.data;
  }

  async getBlockchainInfo(): Promise<BlockchainInfo> {
    const info = await this.call('getblockchaininfo', [], blockchainInfoSchema);
    return {
      chain: info.chain,
      blocks: info.blocks,
      headers: info.headers,
      bestBlockHash: info.bestblockhash,
      initialBlockDownload: info.initialblockdownload,
    };
  }

  getBlockCount(): Promise<number> {
    return this.call('getblockcount', [], z.number().int().nonnegative());
  }

  async getBlockHash(height: number): Promise<string> {
    requireHeight(height);
    return this.call('getblockhash', [height], hashSchema);
  }

  async getBlockHashes(heights: readonly number[]): Promise<Array<string | undefined>> {
    for (const height of heights) requireHeight(height);
    const answers = await this.transport.callBatch(heights.map((height) => ({ method: 'getblockhash', params: [height] })));
    return answers.map((answer) => {
      if (!answer.ok && isNoBlockAtHeight(answer.error)) return undefined;
      return checked('getblockhash', answer, hashSchema);
    });
  }

  async getRawBlocks(hashes: readonly string[]): Promise<Uint8Array[]> {
    for (const hash of hashes) requireHash('block hash', hash);
    const answers = await this.transport.callBatch(hashes.map((hash) => ({ method: 'getblock', params: [hash, false] })));
    return answers.map((answer, i) => hexToBytes('getblock', hashes[i] as string, checked('getblock', answer, z.string())));
  }

  getBestBlockHash(): Promise<string> {
    return this.call('getbestblockhash', [], hashSchema);
  }

  /** `false` rather than verbosity 0: Dogecoin Core before 1.14.7 only takes a bool. */
  async getRawBlock(hash: string): Promise<Uint8Array> {
    requireHash('block hash', hash);
    return hexToBytes('getblock', hash, await this.call('getblock', [hash, false], z.string()));
  }

  async getRawTransaction(txid: string): Promise<Uint8Array> {
    requireHash('txid', txid);
    return hexToBytes('getrawtransaction', txid, await this.call('getrawtransaction', [txid, 0], z.string()));
  }

  getRawMempool(): Promise<string[]> {
    return this.call('getrawmempool', [], z.array(hashSchema));
  }

  async getTxOut(txid: string, vout: number, includeMempool = true): Promise<TxOutInfo | null> {
    requireHash('txid', txid);
    const out = await this.call('gettxout', [txid, vout, includeMempool], txOutSchema);
    if (out === null) return null;
    return {
      bestBlock: out.bestblock,
      confirmations: out.confirmations,
      value: coinsToUnits(out.value),
      scriptHex: out.scriptPubKey.hex,
      coinbase: out.coinbase,
    };
  }

  async sendRawTransaction(rawHex: string, options: BroadcastOptions = {}): Promise<string> {
    const params = options.allowHighFees ? [rawHex, true] : [rawHex];
    try {
      return await this.call('sendrawtransaction', params, hashSchema);
    } catch (error) {
      if (!isAlreadyKnownError(error)) throw error;
      return options.txid ?? parseTransaction(Buffer.from(rawHex, 'hex')).txid;
    }
  }

  /** Prefers estimatesmartfee; falls back to estimatefee on nodes without it. -1 means no estimate. */
  async estimateFee(targetBlocks: number): Promise<bigint | null> {
    let coinsPerKb: number | undefined;
    try {
      const smart = await this.call('estimatesmartfee', [targetBlocks], smartFeeSchema);
      coinsPerKb = smart.feerate ?? smart.fee;
    } catch (error) {
      if (!(error instanceof RpcError && error.rpcCode === RPC_METHOD_NOT_FOUND)) throw error;
      coinsPerKb = await this.call('estimatefee', [targetBlocks], z.number());
    }
    return coinsPerKb === undefined || coinsPerKb <= 0 ? null : coinsToUnits(coinsPerKb);
  }

  generateToAddress(blocks: number, address: string): Promise<string[]> {
    return this.call('generatetoaddress', [blocks, address], z.array(hashSchema));
  }

  async invalidateBlock(hash: string): Promise<void> {
    requireHash('block hash', hash);
    await this.call('invalidateblock', [hash], z.unknown());
  }
}
