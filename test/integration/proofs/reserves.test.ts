import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AccountModel } from '../../../src/db/account';
import { ChainCursorModel } from '../../../src/db/chain-cursor';
import { ReservesSnapshotModel } from '../../../src/db/reserves-snapshot';
import { WalletOutputModel } from '../../../src/db/wallet-output';
import { sessionKeyOf } from '../../../src/config/derived-secrets';
import { publishReservesAfterTick } from '../../../src/jobs/reserves-publishing';
import { startSettlementJobs } from '../../../src/jobs/settlement-jobs';
import { createLogger } from '../../../src/log';
import { formatCoins } from '../../../src/money/amount';
import type { PublishedReserves } from '../../../src/proofs/reserves-snapshot';
import { issueSession } from '../../../src/services/accounts/sessions';
import { publishReserves } from '../../../src/services/reserves/reserves';
import { balancesByPrefix } from '../../../src/services/ledger/balances';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { flattr } from '../../../src/services/clicks/clicks';
import { createSigner } from '../../../src/signer/hd-signer';
import { signSettlementTransaction } from '../../../src/signer/tx-signer';
import { messageSignerOf } from '../../../src/signer/message-signer';
import { runKibble, runKibbleProcess } from '../../support/cli';
import { uriOfDatabase } from '../../support/database';
import { bearer, createTestApp, expectError } from '../../support/http';
import { doge } from '../../support/money';
import { describeEachNode } from '../../support/regtest';
import { MIN_CONFIRMATIONS, SETTLEMENT_MNEMONIC, useSettlementWorld, type Creator, type Donor } from '../../support/settlement-world';

const PERIOD = '2026-10';
const IN_OCTOBER = (day: number) => new Date(Date.UTC(2026, 9, day, 12));

async function waitFor<T>(what: string, read: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Proof of reserves and the public paydays after one settled month, on the real database and
 * regtest node: the settlement jobs publish the month's snapshot once it is confirmed; every
 * user's proof verifies with `kibble verify-reserves` against the node; an on-demand snapshot
 * (`kibble reserves --publish`) too; then an output is spent behind kibble's back and
 * verify-reserves fails. The paydays JSON, page and feed show the month's summary and no donor.
 */
describeEachNode('proof of reserves and paydays after a settled month', (kind) => {
  const world = useSettlementWorld(kind);
  const t = createTestApp();
  const dir = mkdtempSync(join(tmpdir(), 'kibble-reserves-'));
  let donors: Donor[];
  let creators: { paid: Creator; unclaimed: Creator };
  let settlement: Settlement;
  let published: PublishedReserves;

  const tokenOf = async (accountId: string): Promise<string> => (await issueSession(sessionKeyOf(t.deps.config), accountId, t.clock(), 3_600_000)).token;
  const writeJson = (name: string, value: unknown): string => {
    const path = join(dir, `${kind}-${name}.json`);
    writeFileSync(path, JSON.stringify(value, null, 2));
    return path;
  };

  beforeAll(async () => {
    creators = { paid: await world.creator(), unclaimed: await world.creator({ payoutAddress: null }) };
    const things = { paid: await world.thing(creators.paid), unclaimed: await world.thing(creators.unclaimed) };
    donors = [await world.donor(doge(10)), await world.donor(doge(4))];
    await world.fund(donors[0] as Donor, doge(30));
    await world.fund(donors[1] as Donor, doge(10));
    // 10 DOGE: fee 1, 4.5 to each creator (the unclaimed one's is carried); 4 DOGE: fee 0.4, 3.6 paid.
    await flattr((donors[0] as Donor).id, things.paid, IN_OCTOBER(2));
    await flattr((donors[0] as Donor).id, things.unclaimed, IN_OCTOBER(3));
    await flattr((donors[1] as Donor).id, things.paid, IN_OCTOBER(4));
    const service = world.service();
    expect((await service.execute(PERIOD)).state).toBe('broadcast');

    // The jobs as `kibble serve` runs them: the follower confirms, then the snapshot is published.
    const log = createLogger('silent');
    const jobs = startSettlementJobs(service, { cron: '0 0 1 1 *', followIntervalMs: 100, log, afterTick: publishReservesAfterTick({ chain: world.chain, clock: () => new Date(), log, messageSigner: () => messageSignerOf(createSigner(world.chain, { mnemonic: SETTLEMENT_MNEMONIC }), world.chain) }) });
    try {
      await world.mineAndScan(MIN_CONFIRMATIONS);
      await waitFor('the month\'s snapshot', async () => (await ReservesSnapshotModel.exists({ _id: PERIOD })) ?? null);
    } finally {
      await jobs.stop();
    }
    settlement = await waitFor('the settlement', () => SettlementModel.findById(PERIOD).lean<Settlement>());
  }, 180_000);

  it('publishes the month\'s snapshot once it is confirmed, served open to any origin', async () => {
    expect(settlement.state).toBe('confirmed');
    const res = await request(t.app).get('/api/v1/reserves');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    published = res.body as PublishedReserves;
    const owed = [...(await balancesByPrefix('donor:')).values(), ...(await balancesByPrefix('creator:')).values(), ...(await balancesByPrefix('platform:')).values()].filter((amount) => amount > 0n);
    expect(published).toMatchObject({ kind: 'kibble-reserves', snapshot: PERIOD, chain: world.chain.name, liabilities: { total: owed.reduce((a, b) => a + b, 0n).toString(), leafCount: owed.length } });
    expect(BigInt(published.outputsTotal)).toBeGreaterThanOrEqual(BigInt(published.liabilities.total));
    expect((await request(t.app).get(`/api/v1/reserves?snapshot=${PERIOD}`)).body).toEqual(published);
    expectError(await request(t.app).get('/api/v1/reserves?snapshot=h999999'), 404, 'not-found');
    const page = await request(t.app).get('/reserves');
    expect(page.status).toBe(200);
    expect(page.text).toContain(published.liabilities.root);
    expect(page.text).toContain(formatCoins(BigInt(published.liabilities.total)));
  });

  it('every user owed something gets a proof that kibble verify-reserves checks against the node', async () => {
    const file = writeJson('published', published);
    for (const [who, role] of [[donors[0], 'donor'], [donors[1], 'donor'], [creators.unclaimed, 'creator']] as const) {
      const proof = await request(t.app).get(`/api/v1/me/reserves-proof?as=${role}`).set('Authorization', bearer(await tokenOf((who as Donor).id)));
      expect(proof.status).toBe(200);
      const result = await runKibble('verify-reserves', file, '--rpc', world.node.rpcUrl, '--proof', writeJson(`proof-${(who as Donor).id}`, proof.body));
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(result.stdout).toContain(`valid: snapshot ${PERIOD}`);
      expect(result.stdout).toMatch(/(\d+) of \1 addresses signed this snapshot's message/);
      expect(result.stdout).toContain(`account ${role}:${(who as Donor).id}`);
    }
    // The donor page links the same proof as a download, through the page session cookie.
    const cookie = `kibble_session=${await tokenOf((donors[0] as Donor).id)}`;
    expect((await request(t.app).get('/donor').set('Cookie', cookie)).text).toContain('href="/reserves/my-proof.json?as=donor"');
    const download = await request(t.app).get('/reserves/my-proof.json?as=donor').set('Cookie', cookie);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="kibble-reserves-proof-${PERIOD}.json"`);
    expect(JSON.parse(download.text)).toMatchObject({ kind: 'kibble-reserves-proof', snapshot: PERIOD, leaf: { account: `donor:${(donors[0] as Donor).id}` } });
    expect((await request(t.app).get('/reserves/my-proof.json')).status).toBe(303); // sign in first
    // Paid in full, owed nothing: no leaf.
    expectError(await request(t.app).get('/api/v1/me/reserves-proof').set('Authorization', bearer(await tokenOf(creators.paid.id))), 404, 'not-found');
  });

  let onDemand: PublishedReserves;
  it('publishes on demand (kibble reserves --publish)', async () => {
    await world.mineAndScan(1);
    // The command as an operator runs it, in a child process (~15 s of start-up: once, on bcoin;
    // on dogecoind the same service call in process, the chain-facing part being verify-reserves).
    if (kind === 'bcoin') {
      const { stdout } = await runKibbleProcess(['reserves', '--publish', '--json'], {
        env: { ...process.env, MONGODB_URI: uriOfDatabase(world.db), CHAIN: world.chain.name, WALLET_MNEMONIC: SETTLEMENT_MNEMONIC, LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
      onDemand = JSON.parse(stdout) as PublishedReserves;
    } else {
      onDemand = (await publishReserves({ chain: world.chain, clock: () => new Date(), messageSigner: () => messageSignerOf(createSigner(world.chain, { mnemonic: SETTLEMENT_MNEMONIC }), world.chain) })).published;
    }
    expect(onDemand.snapshot).toMatch(/^h\d+$/);
    expect(onDemand.liabilities.total).toBe(published.liabilities.total);
    expect((await request(t.app).get('/api/v1/reserves')).body).toEqual(onDemand);
    const ok = await runKibble('verify-reserves', writeJson('on-demand', onDemand), '--rpc', world.node.rpcUrl);
    expect(ok.exitCode).toBe(0);
    const addresses = new Set(onDemand.outputs.map((output) => output.address)).size;
    expect(onDemand.signatures).toHaveLength(addresses);
    expect(ok.stdout).toContain(`${addresses} of ${addresses} addresses signed this snapshot's message with their key`);
    // Dogecoin Core's own verifymessage (no wallet needed) accepts kibble's signatures.
    if (kind === 'dogecoind') {
      for (const { address, message, signature } of onDemand.signatures) expect(await world.node.rpc('verifymessage', [address, signature, message])).toBe(true);
    }
  });

  it('publishes nothing while a rollback of the scanner that stopped part-way is pending (the scanner\'s next pass finishes it)', async () => {
    await world.mineAndScan(1);
    const cursor = await ChainCursorModel.findById(world.chain.name).lean();
    const height = cursor?.height as number;
    // What a scanner that crashed in the middle of a reorg's rollback leaves: the cursor unmoved.
    await ChainCursorModel.updateOne({ _id: world.chain.name }, { $set: { rollingBackAbove: height - 1 } });
    await expect(publishReserves({ chain: world.chain, clock: () => new Date() })).rejects.toMatchObject({ code: 'reserves-refused' });
    expect(await ReservesSnapshotModel.findById(`h${height}`).lean()).toBeNull();
    await ChainCursorModel.updateOne({ _id: world.chain.name }, { $unset: { rollingBackAbove: 1 } });
  });

  it('fails verify-reserves once a listed output is spent behind kibble\'s back', async () => {
    const largest = [...onDemand.outputs].sort((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? 1 : -1))[0] as PublishedReserves['outputs'][number];
    const stored = await WalletOutputModel.findById(`${largest.txid}:${largest.vout}`).lean();
    const signer = createSigner(world.chain, { mnemonic: SETTLEMENT_MNEMONIC });
    const worstCaseBytes = 192; // one P2PKH input and output, with the largest signature
    const fee = world.chain.fee.perByte * BigInt(worstCaseBytes);
    const amount = BigInt(largest.amount);
    const theft = signSettlementTransaction(
      world.chain,
      {
        inputs: [{ txid: largest.txid, vout: largest.vout, amount, address: largest.address, keyPath: { change: stored?.kind === 'change' ? 1 : 0, index: stored?.addressIndex ?? -1 } }],
        outputs: [{ address: world.randomAddress(), amount: amount - fee, paymentIds: ['behind-kibbles-back'] }],
        fee,
        worstCaseBytes,
      },
      signer,
    );
    await world.rpc.sendRawTransaction(theft.raw);
    await world.faucet.mine(1); // mined, and kibble's scanner not told

    const file = writeJson('on-demand-after-theft', onDemand);
    const failed = await runKibble('verify-reserves', file, '--rpc', world.node.rpcUrl);
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/^NOT valid: /);
    expect(failed.stdout).toContain(`(output-spent) output ${largest.txid}:${largest.vout}`);
    expect(failed.stdout).toContain('(outputs-short)');
    // Judged at its own height the snapshot still holds, and says which output was spent since.
    const atHeight = await runKibble('verify-reserves', file, '--rpc', world.node.rpcUrl, '--at-height');
    expect(atHeight.exitCode).toBe(0);
    expect(atHeight.stdout).toContain(`${largest.txid}:${largest.vout} was unspent at height ${onDemand.height} and has been spent since`);
  });

  it('shows the month on the public paydays (JSON, page, Atom) with the settlement\'s figures and no donor', async () => {
    const summary = settlement.summary as NonNullable<Settlement['summary']>;
    // The month's allocation root, as committed on chain in its first transaction.
    expect(settlement.commitment?.root).toMatch(/^[0-9a-f]{64}$/);
    const json = await request(t.app).get('/api/v1/paydays');
    expect(json.status).toBe(200);
    expect(json.headers['access-control-allow-origin']).toBe('*');
    expect(json.body).toEqual({
      next: null,
      paydays: [
        {
          period: PERIOD,
          donors: summary.donorsCharged,
          clicks: summary.clicks,
          creatorsPaid: summary.creatorsPaid,
          charged: formatCoins(summary.charged),
          paid: formatCoins(summary.paidToCreators),
          carried: formatCoins(summary.carried),
          returned: formatCoins(summary.refunded),
          serviceFee: formatCoins(summary.serviceFee),
          networkFee: formatCoins(summary.networkFee),
          txids: settlement.transactions.map((tx) => tx.txid),
          allocationRoot: settlement.commitment?.root,
          reservesRoot: published.liabilities.root,
          confirmedAt: expect.any(String) as unknown,
        },
      ],
    });
    expect((await request(t.app).get(`/api/v1/paydays?before=${PERIOD}`)).body).toEqual({ paydays: [], next: null });
    const page = await request(t.app).get('/paydays');
    const atom = await request(t.app).get('/paydays.atom');
    expect(atom.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(atom.text).toContain(`<id>${t.deps.config.publicUrl}/paydays#${PERIOD}</id>`);
    for (const txid of settlement.transactions.map((tx) => tx.txid)) expect(page.text).toContain(txid);
    expect(page.text).toContain(`<h2 id="payday-${PERIOD}">October 2026</h2>`);
    expect(page.text).toContain('<tr><th scope="row">Paid</th><td class="num">8.1\u00a0DOGE</td></tr>');

    // In French for a browser that asks for it: the month's name, amounts as Intl writes them, the feed in French by ?lang=fr.
    const french = await request(t.app).get('/paydays').set('Accept-Language', 'fr');
    expect(french.text).toContain('<html lang="fr">');
    expect(french.text).toContain(`<h2 id="payday-${PERIOD}">octobre 2026</h2>`);
    expect(french.text).toContain('<tr><th scope="row">Payé</th><td class="num">8,1\u00a0DOGE</td></tr>');
    expect(french.text).toContain('<tr><th scope="row">Frais de service</th><td class="num">1,4\u00a0DOGE</td></tr>');
    expect(french.text).toContain('<a href="/paydays.atom?lang=fr" type="application/atom+xml" hreflang="fr">Flux Atom</a>');
    const frenchFeed = await request(t.app).get('/paydays.atom?lang=fr');
    expect(frenchFeed.status).toBe(200);
    expect(frenchFeed.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">');
    expect(frenchFeed.text).toContain(`<id>${t.deps.config.publicUrl}/paydays#${PERIOD}</id>`);
    expect(frenchFeed.text).toContain('<title>octobre 2026, jour de paie : 8,1\u00a0DOGE à 1 créateur</title>');
    expect(atom.text).toContain('<title>Payday October 2026: 8.1\u00a0DOGE to 1 creator</title>');
    const reserves = await request(t.app).get('/reserves').set('Accept-Language', 'fr');
    expect(reserves.text).toContain('<html lang="fr">');
    expect(reserves.text).toContain('<h2 id="proves-heading">Ce qu&#39;elle prouve, et ce qu&#39;elle ne prouve pas</h2>');
    expect(reserves.text).toContain(`<span id="liabilities-total">${formatCoins(BigInt(published.liabilities.total)).replace('.', ',')}</span>`);
    expect(reserves.text).toMatch(/<span id="coverage">[0-9\u202f]+,[0-9]{2}[\u00a0\u202f]%<\/span>/);

    const donorAccounts = await AccountModel.find({ _id: { $in: donors.map((donor) => donor.id) } }, { handle: 1 }).lean();
    expect(donorAccounts).toHaveLength(2);
    for (const text of [JSON.stringify(json.body), page.text, atom.text]) {
      for (const donor of donorAccounts) {
        expect(text).not.toContain(donor._id.toHexString());
        expect(text).not.toContain(donor.handle);
      }
    }
  });
});
