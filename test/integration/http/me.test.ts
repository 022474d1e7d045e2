import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import request from 'supertest';
import { p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import { chainProfile } from '../../../src/chain/profiles';
import { AccountModel } from '../../../src/db/account';
import { depositKey, DepositModel } from '../../../src/db/deposit';
import { MempoolDepositModel } from '../../../src/db/mempool-deposit';
import { COIN } from '../../../src/money/amount';
import { depositCreditJournal } from '../../../src/money/ledger';
import { recordJournal } from '../../../src/services/ledger/ledger-store';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_CHAIN, TEST_FEE_ADDRESS, type SignedUp } from '../../support/http';

interface MeBody {
  id: string;
  handle: string;
  depositAddress: string;
  depositUri: string;
  monthlyBudget: string;
  balance: string;
  pendingDeposits: { total: string; requiredConfirmations: number; deposits: Array<{ txid: string; vout: number; amount: string; confirmations: number | null }> };
  payoutAddress: string | null;
  period: string;
}

const hash20 = () => Uint8Array.from(randomBytes(20));
const txid = () => randomBytes(32).toString('hex');

describe('/api/v1/me', () => {
  useTestDatabase();
  const t = createTestApp();
  const getMe = async (user: SignedUp): Promise<MeBody> => {
    const res = await request(t.app).get('/api/v1/me').set('Authorization', bearer(user.token));
    expect(res.status).toBe(200);
    return res.body as MeBody;
  };
  const putBudget = (user: SignedUp, body: unknown) =>
    request(t.app).put('/api/v1/me/budget').set('Authorization', bearer(user.token)).send(body as object);
  const putPayout = (user: SignedUp, body: unknown) =>
    request(t.app).put('/api/v1/me/payout-address').set('Authorization', bearer(user.token)).send(body as object);

  describe('GET', () => {
    it('shows a new account: deposit address and URI, zero amounts, the current period', async () => {
      const alice = await t.signUp();
      const me = await getMe(alice);
      const account = await AccountModel.findById(alice.id).lean();
      expect(me).toEqual({
        id: alice.id,
        handle: alice.handle,
        depositAddress: account?.depositAddress,
        depositUri: `${TEST_CHAIN.uriScheme}:${account?.depositAddress}`,
        monthlyBudget: '0',
        balance: '0',
        pendingDeposits: { total: '0', requiredConfirmations: 6, deposits: [] },
        payoutAddress: null,
        period: '2026-03',
      });
    });

    it('takes the period from the clock (UTC months)', async () => {
      const clocked = createTestApp({ sessionTtlMs: 365 * 24 * 3600 * 1000 });
      const bob = await clocked.signUp();
      const period = async () => ((await request(clocked.app).get('/api/v1/me').set('Authorization', bearer(bob.token))).body as MeBody).period;
      clocked.clock.set('2026-04-30T23:59:59.999Z');
      expect(await period()).toBe('2026-04');
      clocked.clock.set('2026-05-01T00:00:00.000Z');
      expect(await period()).toBe('2026-05');
    });

    it('shows the ledger balance and pending deposits with confirmations from the tip', async () => {
      const carol = await t.signUp();
      const other = await t.signUp();
      const now = t.clock();
      await recordJournal(depositCreditJournal(`${txid()}:0`, 1, carol.id, 5n * COIN), now);
      await recordJournal(depositCreditJournal(`${txid()}:0`, 1, carol.id, 25n * (COIN / 100n)), now);
      const address = (await getMe(carol)).depositAddress;
      const inBlock = { txid: txid(), vout: 1 };
      const block = { address, blockHash: 'ab'.repeat(32), seenAt: now };
      await DepositModel.create([
        { _id: depositKey(inBlock.txid, 1), ...inBlock, ...block, accountId: new Types.ObjectId(carol.id), amount: 150_000_000n, blockHeight: 995 },
        // credited deposits are in the balance, not pending; other accounts' are not shown
        { _id: depositKey(txid(), 0), txid: txid(), vout: 0, ...block, accountId: new Types.ObjectId(carol.id), amount: 7n, blockHeight: 900, status: 'credited' },
        { _id: depositKey(txid(), 0), txid: txid(), vout: 0, ...block, accountId: new Types.ObjectId(other.id), amount: 9n * COIN, blockHeight: 990 },
      ]);
      const mempoolTxid = txid();
      await MempoolDepositModel.create({ _id: depositKey(mempoolTxid, 2), txid: mempoolTxid, address, accountId: carol.id, amount: 1n, seenAt: now });
      t.setChainTip(1000);

      const me = await getMe(carol);
      expect(me.balance).toBe('5.25');
      expect(me.pendingDeposits).toEqual({
        total: '1.50000001',
        requiredConfirmations: 6,
        deposits: [
          { txid: inBlock.txid, vout: 1, amount: '1.5', confirmations: 6 },
          { txid: mempoolTxid, vout: 2, amount: '0.00000001', confirmations: 0 },
        ],
      });
      expect((await getMe(other)).pendingDeposits.total).toBe('9');
      expect((await getMe(other)).balance).toBe('0');

      // the node down: /me still answers, without confirmations for deposits in blocks
      t.setChainTip(new Error('node unreachable'));
      const withoutTip = await getMe(carol);
      expect(withoutTip.pendingDeposits.deposits.map((d) => d.confirmations)).toEqual([null, 0]);
      t.setChainTip(1000);
    });

    it('counts an output once when it is both in a block and still listed from the mempool', async () => {
      const dave = await t.signUp();
      const id = txid();
      const address = (await getMe(dave)).depositAddress;
      await DepositModel.create({ _id: depositKey(id, 0), txid: id, vout: 0, address, accountId: new Types.ObjectId(dave.id), amount: COIN, blockHash: 'cd'.repeat(32), blockHeight: 1000, seenAt: t.clock() });
      await MempoolDepositModel.create({ _id: depositKey(id, 0), txid: id, address, accountId: dave.id, amount: COIN, seenAt: t.clock() });
      const me = await getMe(dave);
      expect(me.pendingDeposits.total).toBe('1');
      expect(me.pendingDeposits.deposits).toEqual([{ txid: id, vout: 0, amount: '1', confirmations: 1 }]);
    });

    it('needs a valid, unrevoked token', async () => {
      expectError(await request(t.app).get('/api/v1/me'), 401, 'unauthorized');
      expectError(await request(t.app).get('/api/v1/me').set('Authorization', bearer('x'.repeat(43))), 401, 'unauthorized');
      const erin = await t.signUp();
      await request(t.app).delete('/api/v1/sessions/current').set('Authorization', bearer(erin.token));
      expectError(await request(t.app).get('/api/v1/me').set('Authorization', bearer(erin.token)), 401, 'unauthorized');
    });
  });

  describe('PUT /budget', () => {
    it('sets the monthly budget; "0" pauses; the value comes back canonical', async () => {
      const frank = await t.signUp();
      for (const [sent, shown] of [['12.5', '12.5'], ['1.50', '1.5'], ['0.00000001', '0.00000001'], ['21000000', '21000000'], ['0', '0']] as const) {
        const res = await putBudget(frank, { monthlyBudget: sent });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ monthlyBudget: shown });
        expect((await getMe(frank)).monthlyBudget).toBe(shown);
      }
      const stored = await AccountModel.findById(frank.id).lean();
      expect(stored?.monthlyBudget).toBe(0n);
    });

    const badAmounts: Array<[string, string, string]> = [
      ['a negative amount', '-1', 'amount-invalid'],
      ['an exponent', '1e5', 'amount-invalid'],
      ['an empty string', '', 'amount-invalid'],
      ['whitespace', ' 12', 'amount-invalid'],
      ['a comma', '1,5', 'amount-invalid'],
      ['hex', '0x10', 'amount-invalid'],
      ['nine decimals', '0.000000001', 'amount-too-precise'],
      ['above the chain maximum', '21000000.00000001', 'amount-too-large'],
      ['a huge number', '9'.repeat(5000), 'amount-too-large'],
    ];
    it.each(badAmounts)('%s is 400 with the amount code', async (_name, monthlyBudget, code) => {
      const user = await t.signUp();
      expectError(await putBudget(user, { monthlyBudget }), 400, code as 'amount-invalid');
      expect((await getMe(user)).monthlyBudget).toBe('0');
    });

    const badBodies: Array<[string, unknown, RegExp]> = [
      ['a JSON number (a float loses digits)', { monthlyBudget: 12.5 }, /^body\.monthlyBudget: must be a string, got a number$/],
      ['missing', {}, /^body\.monthlyBudget: is required$/],
      ['an unknown field', { monthlyBudget: '1', accountId: new Types.ObjectId().toString() }, /^body: unknown field "accountId"$/],
      ['an injection', { monthlyBudget: { $gt: '' } }, /^body\.monthlyBudget: must be a string, got an object$/],
      ['null', { monthlyBudget: null }, /^body\.monthlyBudget: must be a string, got null$/],
    ];
    it.each(badBodies)('%s is 400 validation-failed', async (_name, body, message) => {
      expect(expectError(await putBudget(await t.signUp(), body), 400, 'validation-failed').message).toMatch(message);
    });

    it('needs a token', async () => {
      expectError(await request(t.app).put('/api/v1/me/budget').send({ monthlyBudget: '1' }), 401, 'unauthorized');
      expectError(await request(t.app).put('/api/v1/me/budget').set('Authorization', bearer('bad')).send({ monthlyBudget: '1' }), 401, 'unauthorized');
    });
  });

  describe('PUT /payout-address', () => {
    it('accepts P2PKH and P2SH addresses of the configured chain', async () => {
      const gina = await t.signUp();
      for (const address of [p2pkhAddress(TEST_CHAIN, hash20()), p2shAddress(TEST_CHAIN, hash20())]) {
        const res = await putPayout(gina, { address });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ payoutAddress: address });
        expect((await getMe(gina)).payoutAddress).toBe(address);
      }
    });

    const valid = p2pkhAddress(TEST_CHAIN, hash20());
    const lastChar = valid.slice(-1);
    const badAddresses: Array<[string, string, string]> = [
      ['empty', '', 'empty'],
      ['base58 look-alikes', `0OIl${valid.slice(4)}`, 'bad-characters'],
      ['a changed character', `${valid.slice(0, -1)}${lastChar === 'z' ? 'y' : 'z'}`, 'bad-checksum'],
      ['truncated', valid.slice(0, -3), 'bad-length'],
      ['a dogecoin mainnet address', p2pkhAddress(chainProfile('dogecoin'), hash20()), 'other-chain'],
      ['a Bitcoin address', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', 'unsupported-type'],
    ];
    it.each(badAddresses)('%s is 400 address-invalid with reason %s', async (_name, address, reason) => {
      const user = await t.signUp();
      const error = expectError(await putPayout(user, { address }), 400, 'address-invalid');
      expect(error.details).toEqual({ reason });
      expect((await getMe(user)).payoutAddress).toBeNull();
    });

    it("refuses the service's own addresses (reason own-address)", async () => {
      const hank = await t.signUp();
      const ivy = await t.signUp();
      for (const address of [(await getMe(hank)).depositAddress, (await getMe(ivy)).depositAddress, TEST_FEE_ADDRESS]) {
        const error = expectError(await putPayout(hank, { address }), 400, 'address-invalid');
        expect(error.details).toEqual({ reason: 'own-address' });
      }
      expect((await getMe(hank)).payoutAddress).toBeNull();
    });

    it.each([
      ['a number', { address: 42 }],
      ['an injection', { address: { $ne: '' } }],
      ['missing', {}],
      ['an unknown field', { address: 'x', owner: 'someone' }],
    ])('%s is 400 validation-failed', async (_name, body) => {
      expectError(await putPayout(await t.signUp(), body), 400, 'validation-failed');
    });

    it('needs a token', async () => {
      expectError(await request(t.app).put('/api/v1/me/payout-address').send({ address: valid }), 401, 'unauthorized');
    });
  });

  it("each user sees and changes only their own data, whoever's token it is", async () => {
    const jack = await t.signUp();
    const kate = await t.signUp();
    const jackAddress = p2pkhAddress(TEST_CHAIN, hash20());
    expect((await putBudget(jack, { monthlyBudget: '3' })).status).toBe(200);
    expect((await putPayout(jack, { address: jackAddress })).status).toBe(200);

    const kateView = await getMe(kate);
    expect(kateView).toMatchObject({ id: kate.id, handle: kate.handle, monthlyBudget: '0', payoutAddress: null });
    expect(kateView.depositAddress).not.toBe((await getMe(jack)).depositAddress);

    expect((await putBudget(kate, { monthlyBudget: '7' })).status).toBe(200);
    expect(await getMe(jack)).toMatchObject({ id: jack.id, monthlyBudget: '3', payoutAddress: jackAddress });
    expect(await getMe(kate)).toMatchObject({ id: kate.id, monthlyBudget: '7', payoutAddress: null });
    // the body cannot name another account: unknown fields are refused
    expectError(await putBudget(kate, { monthlyBudget: '1', id: jack.id }), 400, 'validation-failed');
    expect((await getMe(jack)).monthlyBudget).toBe('3');
  });
});
