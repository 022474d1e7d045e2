import { KibbleError } from '../errors';

/** Address and key version bytes in the shape bitcoinjs-lib expects for a `Network`. */
export interface NetworkVersions {
  messagePrefix: string;
  /** Unused: none of these chains has SegWit addresses in kibble; bitcoinjs wants a value. */
  bech32: string;
  bip32: { public: number; private: number };
  pubKeyHash: number;
  scriptHash: number;
  wif: number;
}

export interface FeePolicy {
  /** Rate kibble pays, per byte of the worst-case signed size (smallest units). */
  perByte: bigint;
  /** The node's minimum relay rate per byte; paying less is never relayed. */
  minRelayPerByte: bigint;
}

export interface ChainProfile {
  name: ChainName;
  ticker: string;
  /** Name of the smallest unit, for messages ("koinu", "litoshi"). */
  unitName: string;
  /** BIP21-style URI scheme ("dogecoin:<address>"). */
  uriScheme: string;
  network: NetworkVersions;
  /** Further P2SH version bytes still accepted as valid payout addresses (Litecoin's legacy 0x05). */
  legacyScriptHashVersions: readonly number[];
  bip44CoinType: number;
  /** kibble never creates an output below this many smallest units. */
  dustThreshold: bigint;
  fee: FeePolicy;
  /** A transaction must stay strictly below this many bytes to be standard. */
  maxStandardTxBytes: number;
  /** Largest single amount, in smallest units. */
  maxMoney: bigint;
  defaultRpcPort: number;
  coinbaseMaturity: number;
  /** Whether block headers may carry merge-mining (AuxPoW) data. */
  auxpow: boolean;
  /** The coin's id at a CoinGecko-style price source (PRICE_COIN_ID overrides it); test chains price as their main chain. */
  priceCoinId: string;
}

export const CHAIN_NAMES = [
  'dogecoin',
  'dogecoin-testnet',
  'dogecoin-regtest',
  'litecoin',
  'litecoin-testnet',
  'bcoin-regtest',
] as const;
export type ChainName = (typeof CHAIN_NAMES)[number];

const COIN = 100_000_000n;

const DOGECOIN_MESSAGE_PREFIX = '\x19Dogecoin Signed Message:\n';
const LITECOIN_MESSAGE_PREFIX = '\x19Litecoin Signed Message:\n';

/** Dogecoin Core 1.14.5+: 0.01 DOGE/kB recommended, exact size; 0.001 DOGE/kB relay minimum. */
const DOGECOIN_FEE: FeePolicy = { perByte: 1_000n, minRelayPerByte: 100n };
/** Dogecoin's soft dust limit, 0.01 DOGE: below it peers charge extra, so kibble never goes there. */
const DOGECOIN_DUST = COIN / 100n;
const DOGECOIN_MAX_MONEY = 10_000_000_000n * COIN;

/** Litecoin: 1 litoshi/byte relays; wallets pay 10. P2PKH dust is below 5,460 litoshi. */
const LITECOIN_FEE: FeePolicy = { perByte: 10n, minRelayPerByte: 1n };
const LITECOIN_DUST = 5_460n;
const LITECOIN_MAX_MONEY = 84_000_000n * COIN;

const TESTNET_BIP32 = { public: 0x043587cf, private: 0x04358394 };
const MAX_STANDARD_TX_BYTES = 100_000;

const dogecoinBase = {
  ticker: 'DOGE',
  unitName: 'koinu',
  uriScheme: 'dogecoin',
  legacyScriptHashVersions: [],
  dustThreshold: DOGECOIN_DUST,
  fee: DOGECOIN_FEE,
  maxStandardTxBytes: MAX_STANDARD_TX_BYTES,
  maxMoney: DOGECOIN_MAX_MONEY,
  auxpow: true,
  priceCoinId: 'dogecoin',
} as const;

const litecoinBase = {
  ticker: 'LTC',
  unitName: 'litoshi',
  uriScheme: 'litecoin',
  dustThreshold: LITECOIN_DUST,
  fee: LITECOIN_FEE,
  maxStandardTxBytes: MAX_STANDARD_TX_BYTES,
  maxMoney: LITECOIN_MAX_MONEY,
  auxpow: false,
  priceCoinId: 'litecoin',
} as const;

export const CHAIN_PROFILES: Readonly<Record<ChainName, ChainProfile>> = {
  dogecoin: {
    ...dogecoinBase,
    name: 'dogecoin',
    network: {
      messagePrefix: DOGECOIN_MESSAGE_PREFIX,
      bech32: 'doge',
      bip32: { public: 0x02facafd, private: 0x02fac398 },
      pubKeyHash: 0x1e,
      scriptHash: 0x16,
      wif: 0x9e,
    },
    bip44CoinType: 3,
    defaultRpcPort: 22555,
    coinbaseMaturity: 240,
  },
  'dogecoin-testnet': {
    ...dogecoinBase,
    name: 'dogecoin-testnet',
    network: {
      messagePrefix: DOGECOIN_MESSAGE_PREFIX,
      bech32: 'tdge',
      bip32: TESTNET_BIP32,
      pubKeyHash: 0x71,
      scriptHash: 0xc4,
      wif: 0xf1,
    },
    bip44CoinType: 1,
    defaultRpcPort: 44555,
    coinbaseMaturity: 240,
  },
  'dogecoin-regtest': {
    ...dogecoinBase,
    name: 'dogecoin-regtest',
    network: {
      messagePrefix: DOGECOIN_MESSAGE_PREFIX,
      bech32: 'dcrt',
      bip32: TESTNET_BIP32,
      pubKeyHash: 0x6f,
      scriptHash: 0xc4,
      wif: 0xef,
    },
    bip44CoinType: 1,
    defaultRpcPort: 18332,
    coinbaseMaturity: 60,
  },
  litecoin: {
    ...litecoinBase,
    name: 'litecoin',
    network: {
      messagePrefix: LITECOIN_MESSAGE_PREFIX,
      bech32: 'ltc',
      bip32: { public: 0x0488b21e, private: 0x0488ade4 },
      pubKeyHash: 0x30,
      scriptHash: 0x32,
      wif: 0xb0,
    },
    legacyScriptHashVersions: [0x05],
    bip44CoinType: 2,
    defaultRpcPort: 9332,
    coinbaseMaturity: 100,
  },
  'litecoin-testnet': {
    ...litecoinBase,
    name: 'litecoin-testnet',
    network: {
      messagePrefix: LITECOIN_MESSAGE_PREFIX,
      bech32: 'tltc',
      bip32: TESTNET_BIP32,
      pubKeyHash: 0x6f,
      scriptHash: 0x3a,
      wif: 0xef,
    },
    legacyScriptHashVersions: [0xc4],
    bip44CoinType: 1,
    defaultRpcPort: 19332,
    coinbaseMaturity: 100,
  },
  // bcoin's regtest: its own prefixes, but Dogecoin's fee and dust policy so tests exercise the
  // policy production uses (bcoin itself does not enforce standardness on regtest).
  'bcoin-regtest': {
    ...dogecoinBase,
    name: 'bcoin-regtest',
    auxpow: false,
    // bcoin's consensus limit (21M coins) is what the node will accept in one output.
    maxMoney: 21_000_000n * COIN,
    network: {
      messagePrefix: '\x18Bitcoin Signed Message:\n',
      bech32: 'rb',
      bip32: { public: 0xeab4fa05, private: 0xeab404c7 },
      pubKeyHash: 0x3c,
      scriptHash: 0x26,
      wif: 0x5a,
    },
    bip44CoinType: 1,
    defaultRpcPort: 48332,
    coinbaseMaturity: 100,
  },
};

export function isChainName(name: string): name is ChainName {
  return (CHAIN_NAMES as readonly string[]).includes(name);
}

export function chainProfile(name: string): ChainProfile {
  if (!isChainName(name)) {
    throw new KibbleError(
      'chain-unknown',
      `unknown chain "${name}"; expected one of: ${CHAIN_NAMES.join(', ')}`,
    );
  }
  return CHAIN_PROFILES[name];
}
