/**
 * The creators' daily digest: per creator, the flattrs of one UTC day on their things and the
 * supporters among them who were new (their first flattr of this creator's things this month).
 * One digest per creator per day, never one mail per click; a day with no flattr sends nothing.
 * Subscription clicks are added when a month closes, not flattred that day: they are left out.
 */

export interface DigestClick {
  donorId: string;
  creatorId: string;
  thingId: string;
  at: Date;
  source: string;
}

export interface CreatorDigest {
  creatorId: string;
  day: string;
  flattrs: number;
  things: number;
  supporters: number;
  newSupporters: number;
}

const DAY_PATTERN = /^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** The UTC day of a date, 'YYYY-MM-DD'. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The instants of a UTC day: `start` inclusive, `end` exclusive. */
export function dayBounds(day: string): { start: Date; end: Date } {
  if (!DAY_PATTERN.test(day)) throw new Error(`not a day 'YYYY-MM-DD': ${day}`);
  const start = new Date(`${day}T00:00:00.000Z`);
  if (dayOf(start) !== day) throw new Error(`no such day: ${day}`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}

/** The day before `day`. */
export function previousDay(day: string): string {
  return dayOf(new Date(dayBounds(day).start.getTime() - 86_400_000));
}

/**
 * The digests of `day` from the clicks of its month (all of them up to the day's end: earlier
 * ones decide who is new). Sorted by creator id.
 */
export function creatorDigests(day: string, monthClicks: readonly DigestClick[]): CreatorDigest[] {
  const { start, end } = dayBounds(day);
  const before = new Set<string>();
  const ofDay = new Map<string, DigestClick[]>();
  for (const click of monthClicks) {
    if (click.source !== 'button') continue;
    const at = click.at.getTime();
    if (at < start.getTime()) before.add(`${click.creatorId}:${click.donorId}`);
    else if (at < end.getTime()) ofDay.set(click.creatorId, [...(ofDay.get(click.creatorId) ?? []), click]);
  }
  return [...ofDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([creatorId, clicks]) => {
      const supporters = new Set(clicks.map((click) => click.donorId));
      return {
        creatorId,
        day,
        flattrs: clicks.length,
        things: new Set(clicks.map((click) => click.thingId)).size,
        supporters: supporters.size,
        newSupporters: [...supporters].filter((donorId) => !before.has(`${creatorId}:${donorId}`)).length,
      };
    });
}
