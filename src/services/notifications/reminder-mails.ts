import QRCode from 'qrcode';
import { formatCoins } from '../../money/amount';
import { donorAccount } from '../../money/ledger';
import { findAccount, monthlyBudgetsOver } from '../accounts/account-store';
import { balancesByPrefix } from '../ledger/balances';
import { mailFormat } from './mail-format';
import { notificationIds } from './notification-ids';
import type { NotifyDeps } from './notify-deps';
import { fundingShortfall, reminderPeriodAt } from './reminder';
import { markRunDone, runDone } from './run-store';

/**
 * The funding reminder, once per month at the start of its window (REMINDER_DAYS_BEFORE_MONTH_END
 * days before the end): every donor with a budget whose balance is below it gets the amount
 * missing, their deposit address and a payment URI for it (the donor page shows its QR code).
 * One pass per month (its run mark), one mail per donor per month (its id).
 */
export async function mailFundingReminders(deps: NotifyDeps, daysBefore: number): Promise<number> {
  const period = reminderPeriodAt(deps.clock(), daysBefore);
  if (period === undefined) return 0;
  const run = `reminders:${period}`;
  if (await runDone(run)) return 0;
  const [budgets, balances] = await Promise.all([monthlyBudgetsOver(0n), balancesByPrefix(donorAccount(''))]);
  let queued = 0;
  for (const [donorId, budget] of budgets) {
    const balance = balances.get(donorAccount(donorId)) ?? 0n;
    const shortfall = fundingShortfall(budget, balance);
    if (shortfall === undefined) continue;
    const account = await findAccount(donorId);
    if (account?.depositAddress === undefined || account.depositAddress === null) continue;
    const format = mailFormat(await deps.localeOf(donorId), deps.chain.ticker);
    const paymentUri = `${deps.chain.uriScheme}:${account.depositAddress}?amount=${formatCoins(shortfall)}`;
    await deps.send({
      id: notificationIds.fundingReminder(donorId, period),
      to: { accountId: donorId },
      kind: 'balance-reminder',
      locale: format.locale,
      template: 'balanceReminder',
      data: {
        period: format.period(period),
        budget: format.amount(budget),
        balance: format.amount(balance),
        shortfall: format.amount(shortfall),
        address: account.depositAddress,
        paymentUri,
        donorUrl: `${deps.publicUrl}/donor`,
      },
      image: { dataUrl: await QRCode.toDataURL(paymentUri, { type: 'image/png', width: 200, margin: 1 }), altKey: 'balanceReminderQrAlt' },
    });
    queued += 1;
  }
  await markRunDone(run, queued, deps.clock());
  return queued;
}
