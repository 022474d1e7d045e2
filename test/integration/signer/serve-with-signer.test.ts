import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIP32Factory } from 'bip32';
import * as bip39 from 'bip39';
import * as ecc from 'tiny-secp256k1';
import type { ChainProfile } from '../../../src/chain/profiles';
import { WalletAddressModel } from '../../../src/db/wallet-address';
import { accountPath } from '../../../src/keys/hd';
import { periodOf } from '../../../src/money/period';
import { flattr } from '../../../src/services/clicks/clicks';
import { uriOfDatabase } from '../../support/database';
import { instancesOutput, startInstances, stopInstances, type KibbleInstance } from '../../support/instances';
import { doge } from '../../support/money';
import { FEE_BPS, MIN_CONFIRMATIONS, SETTLEMENT_MNEMONIC, settlementXpub, useSettlementWorld } from '../../support/settlement-world';
import { keyMaterialIn, startSignerProcess, type SignerChild } from '../../support/signer-process';

// The production shape of "keys apart", both halves real processes: `kibble serve` with
// WALLET_XPUB and SIGNER_URL only, and a `kibble signer` child holding the mnemonic. The month is
// executed through the server's admin API, signed by the signer, broadcast and confirmed; then
// nothing either process printed holds key material.

interface SettlementReply {
  state: string;
  lastError: string | null;
  transactions: { txid: string; confirmations: number | null }[];
}

/** The wallet's secrets in every form a careless log line could show them. */
function secretsOf(mnemonic: string, wallet: { kind: string; index: number }[], network: ChainProfile['network'], path: string): string[] {
  const root = BIP32Factory(ecc).fromSeed(bip39.mnemonicToSeedSync(mnemonic), network);
  const account = root.derivePath(path);
  const wifs = wallet.map((row) => account.derive(row.kind === 'change' ? 1 : 0).derive(row.index).toWIF());
  return [root.toBase58(), account.toBase58(), ...wifs];
}

describe('kibble serve without a key, signing through a kibble signer process', () => {
  const world = useSettlementWorld();
  const operatorToken = randomBytes(24).toString('hex');
  const period = periodOf(new Date());
  let stateDir: string;
  let signer: SignerChild | undefined;
  let server: KibbleInstance[] = [];
  let signerOutput = '';

  const admin = async (method: string, path: string): Promise<SettlementReply> => {
    const server0 = server[0];
    if (server0 === undefined) throw new Error('no server');
    const reply = await server0.api<SettlementReply>(method, path, { token: operatorToken });
    if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}\n${instancesOutput(server)}`);
    return reply.body;
  };

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'kibble-serve-signer-'));
    // Money in before the server starts: its scanner takes over from the world's cursor.
    const donor = await world.donor(doge(4));
    await world.fund(donor, doge(10));
    await flattr(donor.id, await world.thing(await world.creator()), new Date());
    await flattr(donor.id, await world.thing(await world.creator()), new Date());
    signer = await startSignerProcess(stateDir, world.chain.name, [], { WALLET_MNEMONIC: SETTLEMENT_MNEMONIC, LOG_LEVEL: 'debug' });
    server = await startInstances(1, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      MONGODB_URI: uriOfDatabase(world.db),
      CHAIN: world.chain.name,
      CHAIN_RPC_URL: world.node.rpcUrl,
      WALLET_XPUB: settlementXpub(),
      SIGNER_URL: signer.socketUrl,
      FEE_ADDRESS: world.feeAddress,
      OPERATOR_TOKEN: operatorToken,
      SERVICE_FEE_BPS: String(FEE_BPS),
      MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS),
      SCAN_INTERVAL_SECONDS: '1',
    });
  }, 180_000);

  afterAll(async () => {
    await stopInstances(server);
    if (signer !== undefined) await signer.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }, 30_000);

  test('the server says it signs through the signer, and holds no key', () => {
    const output = server[0]?.process.output() ?? '';
    expect(output).toContain(`settlement: signed by the signer at ${signer?.socketUrl ?? '?'} (no key in this process)`);
    expect(output).not.toMatch(/WARNING: .*key/i);
  });

  test('the month executed through the admin API is signed by the signer, broadcast, and confirms', async () => {
    const executed = await admin('POST', `/api/v1/admin/settlements/${period}/execute?closeNow=true`);
    expect({ state: executed.state, lastError: executed.lastError }).toEqual({ state: 'broadcast', lastError: null });
    expect(executed.transactions.length).toBeGreaterThan(0);
    // The signer's own log names the period and the very transactions that went out.
    const signedLine = (signer?.output() ?? '').split('\n').find((line) => line.includes('signer: period signed'));
    expect(signedLine).toContain(`"period":"${period}"`);
    for (const tx of executed.transactions) expect(signedLine).toContain(tx.txid);
    expect((await world.rpc.getRawMempool()).sort()).toEqual(executed.transactions.map((tx) => tx.txid).sort());

    await world.faucet.mine(MIN_CONFIRMATIONS);
    // The server's own follow job (every scan interval) moves the month to confirmed.
    const deadline = Date.now() + 60_000;
    let now = executed;
    while (now.state !== 'confirmed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = await admin('GET', `/api/v1/admin/settlements/${period}`);
    }
    expect(now.state).toBe('confirmed');
    expect(now.transactions.every((tx) => (tx.confirmations ?? 0) >= MIN_CONFIRMATIONS)).toBe(true);
  }, 120_000);

  test('no line either process printed holds the xprv, a WIF of the wallet or the mnemonic', async () => {
    const wallet = await WalletAddressModel.find({}, { kind: 1, index: 1 }).lean<{ kind: string; index: number }[]>();
    expect(wallet.length).toBeGreaterThan(0);
    const secrets = secretsOf(SETTLEMENT_MNEMONIC, wallet, world.chain.network, accountPath(world.chain));
    await stopInstances(server);
    if (signer !== undefined) signerOutput = await signer.stop();
    const serverOutput = server[0]?.process.output() ?? '';
    expect(serverOutput).toContain('kibble: stopped');
    expect(signerOutput).toContain('signer: period signed');
    for (const output of [serverOutput, signerOutput]) {
      expect(secrets.filter((secret) => output.includes(secret))).toEqual([]);
      expect(keyMaterialIn(output, SETTLEMENT_MNEMONIC)).toEqual([]);
    }
  }, 30_000);
});
