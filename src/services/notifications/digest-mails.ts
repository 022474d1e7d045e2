import { periodOf } from '../../money/period';
import { periodClicksForDigest } from '../clicks/click-store';
import { creatorDigests, dayBounds, dayOf, previousDay } from './digest';
import { mailFormat } from './mail-format';
import { notificationIds } from './notification-ids';
import type { NotifyDeps } from './notify-deps';
import { markRunDone, runDone } from './run-store';

/**
 * The creators' daily digest of yesterday (UTC), sent once the day is over: one mail per creator
 * who got flattrs that day (its id: creator and day), never one per click. One read of the day's
 * month of clicks per day (its run mark).
 */
export async function mailYesterdaysDigests(deps: NotifyDeps): Promise<number> {
  const day = previousDay(dayOf(deps.clock()));
  const run = `digests:${day}`;
  if (await runDone(run)) return 0;
  const clicks = await periodClicksForDigest(periodOf(dayBounds(day).start));
  const digests = creatorDigests(
    day,
    clicks.map((click) => ({ donorId: click.donorId.toHexString(), creatorId: click.creatorId.toHexString(), thingId: click.thingId.toHexString(), at: click.at, source: click.source })),
  );
  for (const digest of digests) {
    const format = mailFormat(await deps.localeOf(digest.creatorId), deps.chain.ticker);
    await deps.send({
      id: notificationIds.creatorDigest(digest.creatorId, day),
      to: { accountId: digest.creatorId },
      kind: 'supporter-digest',
      locale: format.locale,
      template: 'supporterDigest',
      data: {
        day: format.date(dayBounds(day).start),
        flattrs: String(digest.flattrs),
        things: String(digest.things),
        supporters: String(digest.supporters),
        newSupporters: String(digest.newSupporters),
        creatorUrl: `${deps.publicUrl}/creator`,
      },
    });
  }
  await markRunDone(run, digests.length, deps.clock());
  return digests.length;
}
