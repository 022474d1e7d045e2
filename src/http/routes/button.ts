import { z } from 'zod';
import { clickPeriodAt } from '../../services/period-closure';
import { thingClickCount } from '../../services/stats';
import { getThing, type ThingView } from '../../services/things/things';
import { html } from '../html';
import { defineRoute, type Route } from '../route';
import { objectId } from '../schemas';

/**
 * The public button of a thing: the SVG that creators embed on their sites
 * (`/t/:thingId/button.svg`), with the flattrs of the current period. The thing's page
 * (`/t/:thingId`) is a web page (src/http/pages/thing-pages.ts): its flattr form needs the cookie
 * session and CSRF protection.
 */

const SVG = 'image/svg+xml';

/** Shared caches and browsers may keep the button a minute: embeds are viewed far more than clicked. */
const SVG_HEADERS = {
  'Cache-Control': 'public, max-age=60',
  // helmet's default (same-origin) would stop browsers from showing the button on the creator's site.
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const params = z.object({ thingId: objectId });
/**
 * The thing's page links its preview as `button.svg?n=<count it shows>`: after a flattr the count,
 * hence the URL, is new, so the donor who just clicked never sees a cached image with the old
 * count. The value only makes the URL unique; the count drawn is always read fresh.
 */
const query = z.object({ n: z.string().regex(/^[0-9]{1,10}$/).optional().describe('cache key (the count the linking page showed); ignored') });
const notFound = { description: 'not-found: no thing with this id' };

export const buttonRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/t/:thingId/button.svg',
    summary: "A thing's button (SVG) with this period's flattrs, for embedding",
    tags: ['button'],
    auth: 'none',
    params,
    query,
    responses: { 200: { description: 'the button (SVG)', schema: z.string(), contentType: SVG }, 404: notFound },
    handler: async ({ params, now }) => {
      const { thing, period, count } = await thingWithCount(params.thingId, now);
      return { status: 200, contentType: SVG, headers: SVG_HEADERS, body: buttonSvg(thing.title, period, count) };
    },
  }),
];

async function thingWithCount(thingId: string, now: Date): Promise<{ thing: ThingView; period: string; count: number }> {
  const period = await clickPeriodAt(now);
  // Both at once: the count of an unknown thing is 0, and getThing's 404 wins anyway.
  const [thing, count] = await Promise.all([getThing(thingId), thingClickCount(thingId, period)]);
  return { thing, period, count };
}

function flattrsText(count: number): string {
  return `${count} ${count === 1 ? 'flattr' : 'flattrs'}`;
}

// A badge like the usual README shields: "flattr | 12" in 11 px Verdana, 20 px high; white text
// on both colours has a contrast above 4.5:1 (WCAG AA).
const LABEL_WIDTH = 44;
const DIGIT_WIDTH = 7;
const COUNT_PADDING = 12;

export function buttonSvg(title: string, period: string, count: number): string {
  const countText = String(count);
  const countWidth = countText.length * DIGIT_WIDTH + COUNT_PADDING;
  const width = LABEL_WIDTH + countWidth;
  const label = `flattr: ${flattrsText(count)} in ${period}`;
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-label="${label}">
<title>Flattr “${title}” with kibble: ${flattrsText(count)} in ${period}</title>
<clipPath id="round"><rect width="${width}" height="20" rx="3"/></clipPath>
<g clip-path="url(#round)"><rect width="${LABEL_WIDTH}" height="20" fill="#555"/><rect x="${LABEL_WIDTH}" width="${countWidth}" height="20" fill="#a94f00"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${LABEL_WIDTH / 2}" y="14">flattr</text><text x="${LABEL_WIDTH + countWidth / 2}" y="14">${countText}</text>
</g>
</svg>
`;
  return svg.markup;
}
