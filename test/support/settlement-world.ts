// A small kibble world on the real regtest node and the per-file test database, for settlement
// tests: donors with deposit addresses funded on chain (credited by the real scanner), creators
// with things and payout addresses, and the settlement service. Call in describe scope:
//
//   const world = useSettlementWorld();            // bcoin; or useSettlementWorld('dogecoind')
//   it('...', async () => { const d = await world.donor(doge(10)); await world.fund(d, doge(50)); ... });
//
// On dogecoind the node relays to a policy peer (test/support/regtest.ts): missingAtPeer(world.node, txids).
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { p2pkhAddress } from '../../src/chain/address';
import { AddressDeriver } from '../../src/keys/hd';
import { createSigner } from '../../src/signer/hd-signer';
import { JsonRpcChainClient } from '../../src/node/rpc-client';
import { chainProfile, type ChainProfile } from '../../src/chain/profiles';
import { AccountModel } from '../../src/db/account';
import { ThingModel } from '../../src/db/thing';
import { SlotLease } from '../../src/db/lease';
import { createLogger } from '../../src/log';
import { CUSTODY_ACCOUNT } from '../../src/money/ledger';
import { allocateDepositAddress } from '../../src/services/accounts/deposit-address';
import { DepositScanner } from '../../src/services/wallet-watch/scanner';
import { advanceWalletCheckpoint } from '../../src/services/wallet-watch/wallet-checkpoint';
import { accountBalance, balancesByPrefix } from '../../src/services/ledger/balances';
import { fullAudit } from '../../src/services/ledger/ledger-audit';
import { SettlementService, type SettlementDeps } from '../../src/services/settlement/state-machine';
import { WalletAddressModel } from '../../src/db/wallet-address';
import { auditChain, unspentValueOf } from './chain-audit';
import { useTestDatabase, type TestDatabase } from './database';
import { RegtestFaucet } from './faucet';
import { useRegtestNode, type NodeKind, type TestRegtestNode } from './regtest';

/** The chain of the default (bcoin) world, which the browser tests use. */
export const SETTLEMENT_CHAIN = chainProfile('bcoin-regtest');
export const SETTLEMENT_MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
export const MIN_CONFIRMATIONS = 2;
/** Blocks below the cursor the wallet's checkpoint is taken at in these tests (100 in production). */
export const WORLD_CHECKPOINT_DEPTH = 2;
export const FEE_BPS = 1000;

export interface Person {
  id: string;
}
export interface Donor extends Person {
  address: string;
}
export interface Creator extends Person {
  payoutAddress: string | null;
}

export interface SettlementWorld {
  readonly db: TestDatabase;
  readonly node: TestRegtestNode;
  /** The node's chain profile: bcoin-regtest or dogecoin-regtest. */
  readonly chain: ChainProfile;
  readonly rpc: JsonRpcChainClient;
  readonly faucet: RegtestFaucet;
  readonly scanner: DepositScanner;
  readonly feeAddress: string;
  /** A fresh address of this world's chain that nobody holds a key for. */
  randomAddress(): string;
  service(overrides?: Partial<SettlementDeps> & { leaseHolder?: string }): SettlementService;
  donor(monthlyBudget: bigint): Promise<Donor>;
  creator(options?: { payoutAddress?: string | null }): Promise<Creator>;
  thing(owner: Person): Promise<string>;
  /** Pays the donor's deposit address on chain, mines the confirmations and lets the scanner credit it. */
  fund(donor: Donor, amount: bigint): Promise<void>;
  /** Mines blocks (to the faucet) and runs a scanner pass. */
  mineAndScan(blocks?: number): Promise<void>;
  /** The four invariants' data, read from the chain itself and the ledger. */
  holdings(): Promise<{ chainUnspent: bigint; ledgerHeld: bigint; owedTotal: bigint; unbalanced: string[] }>;
}

/** The world's wallet's account xpub (SETTLEMENT_MNEMONIC): deposit and change addresses come from it. */
export function settlementXpub(): string {
  return createSigner(SETTLEMENT_CHAIN, { mnemonic: SETTLEMENT_MNEMONIC }).accountXpub();
}

/** Derives addresses as the world does: an app serving the world (test/e2e) must hand out these. */
export function settlementDeriver(): AddressDeriver {
  return new AddressDeriver(SETTLEMENT_CHAIN, settlementXpub());
}

/** A fresh address nobody in this test holds a key for: a creator's or the fee wallet's. */
export function randomAddress(chain: ChainProfile = SETTLEMENT_CHAIN): string {
  return p2pkhAddress(chain, randomBytes(20));
}

/** The settlement service as the tests run it (also in the crash tests' child processes). */
export function testSettlementService(
  rpc: JsonRpcChainClient,
  feeAddress: string,
  overrides: Partial<SettlementDeps> & { leaseHolder?: string } = {},
  chain: ChainProfile = SETTLEMENT_CHAIN,
): SettlementService {
  const { leaseHolder, ...deps } = overrides;
  const clock = deps.clock ?? (() => new Date());
  const signer = createSigner(chain, { mnemonic: SETTLEMENT_MNEMONIC });
  return new SettlementService({
    rpc,
    chain,
    settings: { serviceFeeBps: FEE_BPS, minConfirmations: MIN_CONFIRMATIONS, unclaimedMonths: 6, feeAddress },
    deriver: new AddressDeriver(chain, signer.accountXpub()),
    signer: () => signer,
    lease: new SlotLease('settlement', leaseHolder ?? `test-${randomBytes(3).toString('hex')}`, 60_000, clock),
    clock,
    log: createLogger('silent'),
    // The service's own default (real time): it also paces the wait for a sent transaction to show.
    ...deps,
  });
}

/** On dogecoind the world's node relays to a policy peer. */
export function useSettlementWorld(kind: NodeKind = 'bcoin'): SettlementWorld {
  const db = useTestDatabase();
  const node = useRegtestNode(kind, { policyPeer: kind === 'dogecoind' });
  const chain = node.chain;
  const signer = createSigner(chain, { mnemonic: SETTLEMENT_MNEMONIC });
  const deriver = new AddressDeriver(chain, signer.accountXpub());
  const feeAddress = randomAddress(chain);
  const log = createLogger('silent');
  let rpc: JsonRpcChainClient | undefined;
  let faucet: RegtestFaucet | undefined;
  let scanner: DepositScanner | undefined;
  let handles = 0;

  beforeAll(async () => {
    rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(rpc, chain);
    await faucet.prepare(chain.coinbaseMaturity + 10);
    scanner = new DepositScanner({ rpc, chain, minConfirmations: MIN_CONFIRMATIONS, log, clock: () => new Date(), startHeight: 0 });
    await scanner.scanOnce();
  });

  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSettlementWorld(): use it inside tests or hooks');
    return value;
  };

  const world: SettlementWorld = {
    db,
    node,
    get rpc() {
      return need(rpc);
    },
    get faucet() {
      return need(faucet);
    },
    get scanner() {
      return need(scanner);
    },
    chain,
    feeAddress,
    randomAddress: () => randomAddress(chain),
    service(overrides = {}) {
      return testSettlementService(need(rpc), feeAddress, overrides, chain);
    },
    async donor(monthlyBudget) {
      const id = new Types.ObjectId();
      const { index, address } = await allocateDepositAddress(deriver, id.toHexString(), new Date());
      handles += 1;
      await AccountModel.create({ _id: id, handle: `donor${handles}`, passwordHash: 'x', depositIndex: index, depositAddress: address, monthlyBudget });
      return { id: id.toHexString(), address };
    },
    async creator(options = {}) {
      const id = new Types.ObjectId();
      const { index, address } = await allocateDepositAddress(deriver, id.toHexString(), new Date());
      handles += 1;
      const payoutAddress = options.payoutAddress === undefined ? randomAddress(chain) : options.payoutAddress;
      await AccountModel.create({ _id: id, handle: `creator${handles}`, passwordHash: 'x', depositIndex: index, depositAddress: address, ...(payoutAddress === null ? {} : { payoutAddress }) });
      return { id: id.toHexString(), payoutAddress };
    },
    async thing(owner) {
      const thing = await ThingModel.create({ url: `https://example.org/${randomBytes(6).toString('hex')}`, title: 'a thing', ownerId: owner.id, createdAt: new Date('2026-01-01T00:00:00Z') });
      return thing._id.toHexString();
    },
    async fund(donor, amount) {
      await need(faucet).pay([{ address: donor.address, amount }]);
      await world.mineAndScan(MIN_CONFIRMATIONS);
    },
    async mineAndScan(blocks = 1) {
      await need(faucet).mine(blocks);
      const report = await need(scanner).scanOnce();
      // As the scanner's job does after each pass, with a shallow checkpoint so that the months
      // here are read through one (wallet-checkpoint.ts).
      await advanceWalletCheckpoint(report.toHeight, new Date(), WORLD_CHECKPOINT_DEPTH);
    },
    async holdings() {
      const wallet = new Set((await WalletAddressModel.find({}, { _id: 1 }).lean()).map((row) => row._id));
      const audit = await auditChain(need(rpc), chain);
      const owed = [...(await balancesByPrefix('donor:')).values(), ...(await balancesByPrefix('creator:')).values(), ...(await balancesByPrefix('platform:')).values()];
      return {
        chainUnspent: unspentValueOf(audit, wallet),
        ledgerHeld: -(await accountBalance(CUSTODY_ACCOUNT)),
        owedTotal: owed.reduce((sum, amount) => sum + amount, 0n),
        // The full ledger audit (kibble audit --full): journals that do not balance, closings that
        // differ from their entries, balances that read otherwise than their entries sum.
        unbalanced: (await fullAudit()).differences,
      };
    },
  };
  return world;
}
