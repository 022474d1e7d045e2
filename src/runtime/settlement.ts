import { AddressDeriver } from '../keys/hd';
import { createSigner, type Signer } from '../signer/hd-signer';
import type { ChainRpc } from '../node/rpc-client';
import type { Config } from '../config/config';
import { KibbleError } from '../errors';
import { SlotLease } from '../db/lease';
import type { Logger } from '../log';
import { SettlementService, type SettlementCheckpoint, type SpendRepair } from '../services/settlement/state-machine';
import { remoteSigning } from '../services/settlement/signing';
import { SignerClient } from '../signer/signer-client';
import { pricesFromConfig } from '../services/prices/prices';
import type { RateSource } from '../services/settlement/plan-rates';

export interface SettlementWiring {
  /** Names this process in the lease, for operators. */
  instance: string;
  clock?: () => Date;
  checkpoint?: (name: SettlementCheckpoint) => void | Promise<void>;
  onSpendRepair?: (repair: SpendRepair) => void;
  /** The process's price service (pages share its cache); default: one from the config. */
  prices?: RateSource;
}

/** The settlement service as `kibble serve`, the CLI and the admin API run it. */
export function createSettlementService(config: Config, rpc: ChainRpc, log: Logger, wiring: SettlementWiring): SettlementService {
  // With only a signing key configured (the CLI on an operator's machine), its xpub is the wallet's.
  const walletXpub = config.walletXpub ?? (hasKeyInProcess(config) ? signerFromConfig(config).accountXpub() : undefined);
  if (walletXpub === undefined) throw new KibbleError('config-invalid', 'WALLET_XPUB is not set: settlement derives change addresses from it');
  const clock = wiring.clock ?? (() => new Date());
  return new SettlementService({
    rpc,
    chain: config.chain,
    settings: {
      serviceFeeBps: config.serviceFeeBps,
      minConfirmations: config.minConfirmations,
      unclaimedMonths: config.unclaimedMonths,
      feeAddress: config.feeAddress ?? null,
    },
    deriver: new AddressDeriver(config.chain, walletXpub),
    signer: () => signerFromConfig(config),
    ...(config.signerUrl === undefined ? {} : {
      sign: remoteSigning({ chain: config.chain, rpc, client: new SignerClient(config.signerUrl), walletXpub }),
    }),
    // A run holds the lease for slots of SETTLEMENT_LEASE_SECONDS, renewing it between steps.
    lease: new SlotLease('settlement', wiring.instance, config.settlementLeaseSeconds * 1000, clock),
    clock,
    log: log.child({ job: 'settlement' }),
    ...(wiring.checkpoint === undefined ? {} : { checkpoint: wiring.checkpoint }),
    ...(wiring.onSpendRepair === undefined ? {} : { onSpendRepair: wiring.onSpendRepair }),
    prices: wiring.prices ?? pricesFromConfig(config, clock),
  });
}

/** Read when a settlement signs, never before; refuses keys that do not match WALLET_XPUB. */
export function signerFromConfig(config: Config): Signer {
  const secret = config.walletXprv
    ? { xprv: config.walletXprv.reveal() }
    : config.walletMnemonic
      ? { mnemonic: config.walletMnemonic.reveal() }
      : undefined;
  if (secret === undefined) throw new KibbleError('config-invalid', 'signing a settlement needs SIGNER_URL (a `kibble signer`), or WALLET_XPRV or WALLET_MNEMONIC');
  const signer = createSigner(config.chain, secret);
  if (config.walletXpub !== undefined && signer.accountXpub() !== config.walletXpub) {
    throw new KibbleError('config-invalid', 'the signing key does not belong to WALLET_XPUB: its account xpub differs; refusing to sign');
  }
  return signer;
}

/** WALLET_XPRV or WALLET_MNEMONIC in this process's own configuration. */
export function hasKeyInProcess(config: Config): boolean {
  return config.walletXprv !== undefined || config.walletMnemonic !== undefined;
}

/** Whether this instance can settle: a key of its own, or a signer process to ask. */
export function canSettle(config: Config): boolean {
  return config.signerUrl !== undefined || hasKeyInProcess(config);
}

/** A private key in the web server's own environment: allowed, but in production said loudly. */
export function keyInServiceWarning(config: Config): string | undefined {
  if (config.nodeEnv !== 'production' || !hasKeyInProcess(config)) return undefined;
  return 'the wallet\'s PRIVATE key is in this web-facing process (WALLET_XPRV / WALLET_MNEMONIC): whoever takes it over can empty the wallet. '
    + 'Run `kibble signer` elsewhere and set SIGNER_URL instead (docs/signer.md)';
}
