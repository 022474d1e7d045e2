import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translatorFor, type Translator } from '../../i18n/translator';
import { html, type TrustedHtml } from '../html';

/** One month of the creator's chart: how many flattrs, and what was paid out for it (koinu). */
export interface ChartRow {
  period: string;
  flattrs: number;
  earned: bigint;
}

export interface ChartOptions {
  /** The words and number formats of the page's locale (English when not given). */
  tr?: Translator;
  /** Shown with the earnings scale and legend, e.g. "DOGE". */
  ticker?: string;
  /** The chart's accessible name (its <title>). */
  title?: string;
}

// Geometry in SVG user units; the stylesheet scales the whole picture to the page (.chart).
const PLOT_HEIGHT = 160;
const TOP = 36;
const BOTTOM = 40;
const LEFT = 56;
const RIGHT = 96;
const MIN_SLOT = 56;
const MIN_PLOT_WIDTH = 360;
const BAR_WIDTH = 18;
const BAR_GAP = 4;
/** Colours with at least 4.5:1 against white, told apart by the legend too, not by colour alone. */
const FLATTRS_FILL = '#7a4b00';
const EARNED_FILL = '#1a5fb4';
const INK = '#1b1b1b';
const MUTED = '#4a4a4a';
const LINE = '#c8c8c8';
/** A generous average glyph width at font-size 12, to place the second legend entry after the first in any language. */
const LEGEND_CHAR_WIDTH = 7;

/**
 * A server-rendered bar chart of flattrs (left scale) and earnings (right scale) per month, as
 * inline SVG: no script, no inline style, every label escaped. `role="img"` with a <title> and
 * <desc>; the page shows the same numbers in a table for screen readers and for copying. Earnings
 * are bigint koinu and are scaled in bigint arithmetic, so amounts above 2^53 draw correctly.
 */
export function renderChart(rows: readonly ChartRow[], options: ChartOptions = {}): TrustedHtml {
  const tr = options.tr ?? translatorFor(DEFAULT_LOCALE);
  const title = options.title ?? tr.t('chart:title');
  const ticker = options.ticker === undefined || options.ticker === '' ? undefined : options.ticker;
  const amount = (units: bigint): string => tr.formatAmount(units, ticker === undefined ? {} : { ticker });
  const slot = rows.length === 0 ? MIN_PLOT_WIDTH : Math.max(MIN_SLOT, MIN_PLOT_WIDTH / rows.length);
  const plotWidth = rows.length === 0 ? MIN_PLOT_WIDTH : slot * rows.length;
  const legendFlattrs = tr.t('chart:legendFlattrs');
  const legendEarned = ticker === undefined ? tr.t('chart:legendEarned') : tr.t('chart:legendEarnedIn', { unit: ticker });
  const secondLegend = LEFT + 16 + legendFlattrs.length * LEGEND_CHAR_WIDTH + 24;
  // Wide enough for the legend too: some languages say "left scale" in many more letters.
  const width = Math.max(LEFT + plotWidth + RIGHT, secondLegend + 16 + legendEarned.length * LEGEND_CHAR_WIDTH + 8);
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  const baseline = TOP + PLOT_HEIGHT;
  const open = (desc: string, body: TrustedHtml): TrustedHtml =>
    html`<svg id="chart" class="chart" role="img" aria-labelledby="chart-title" aria-describedby="chart-desc" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(width)} ${height}" width="${num(width)}" height="${height}" font-family="system-ui, sans-serif" font-size="12">
<title id="chart-title">${title}</title>
<desc id="chart-desc">${desc}</desc>
${body}
</svg>`;

  if (rows.length === 0) {
    return open(
      tr.t('chart:emptyDesc'),
      html`<line x1="${LEFT}" y1="${baseline}" x2="${LEFT + plotWidth}" y2="${baseline}" stroke="${MUTED}" stroke-width="1"/>
<text x="${LEFT + plotWidth / 2}" y="${TOP + PLOT_HEIGHT / 2}" text-anchor="middle" fill="${INK}">${tr.t('chart:empty')}</text>`,
    );
  }

  const maxFlattrs = rows.reduce((max, row) => Math.max(max, countOf(row.flattrs)), 0);
  const maxEarned = rows.reduce((max, row) => (row.earned > max ? row.earned : max), 0n);
  const bars = rows.map((row, index) => {
    const center = LEFT + slot * index + slot / 2;
    const flattrs = countOf(row.flattrs);
    const flattrsHeight = maxFlattrs === 0 ? 0 : (flattrs / maxFlattrs) * PLOT_HEIGHT;
    const earnedHeight = fraction(row.earned, maxEarned) * PLOT_HEIGHT;
    const earned = amount(row.earned > 0n ? row.earned : 0n);
    return html`<g>
<rect x="${num(center - BAR_GAP / 2 - BAR_WIDTH)}" y="${num(baseline - flattrsHeight)}" width="${BAR_WIDTH}" height="${num(flattrsHeight)}" fill="${FLATTRS_FILL}"><title>${tr.t('chart:barFlattrs', { month: row.period, count: flattrs })}</title></rect>
<rect x="${num(center + BAR_GAP / 2)}" y="${num(baseline - earnedHeight)}" width="${BAR_WIDTH}" height="${num(earnedHeight)}" fill="${EARNED_FILL}"><title>${tr.t('chart:barEarned', { month: row.period, amount: earned })}</title></rect>
<text x="${num(center)}" y="${baseline + 18}" text-anchor="middle" fill="${INK}">${row.period}</text>
</g>`;
  });

  const maxEarnedLabel = amount(maxEarned);
  const desc = tr.t('chart:desc', { from: rows[0]?.period ?? '', to: rows[rows.length - 1]?.period ?? '', maxFlattrs: tr.formatNumber(maxFlattrs), maxEarned: maxEarnedLabel });
  const right = LEFT + plotWidth;
  return open(
    desc,
    html`<g class="legend">
<rect x="${LEFT}" y="8" width="12" height="12" fill="${FLATTRS_FILL}"/><text x="${LEFT + 16}" y="18" fill="${INK}">${legendFlattrs}</text>
<rect x="${secondLegend}" y="8" width="12" height="12" fill="${EARNED_FILL}"/><text x="${secondLegend + 16}" y="18" fill="${INK}">${legendEarned}</text>
</g>
<g class="axes">
<line x1="${LEFT}" y1="${TOP}" x2="${right}" y2="${TOP}" stroke="${LINE}" stroke-width="1"/>
<line x1="${LEFT}" y1="${baseline}" x2="${right}" y2="${baseline}" stroke="${MUTED}" stroke-width="1"/>
<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" fill="${MUTED}">${tr.formatNumber(maxFlattrs)}</text>
<text x="${LEFT - 6}" y="${baseline + 4}" text-anchor="end" fill="${MUTED}">0</text>
<text x="${right + 6}" y="${TOP + 4}" fill="${MUTED}">${maxEarnedLabel}</text>
<text x="${right + 6}" y="${baseline + 4}" fill="${MUTED}">0</text>
</g>
${bars}`,
  );
}

/** A count to draw: a finite non-negative integer (anything else draws as nothing). */
function countOf(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** part / whole in [0, 1], computed in bigint (1/10000 steps) so any amount keeps its proportion. */
function fraction(part: bigint, whole: bigint): number {
  if (whole <= 0n || part <= 0n) return 0;
  const scaled = (part * 10_000n) / whole;
  return Number(scaled > 10_000n ? 10_000n : scaled) / 10_000;
}

/** Coordinates with one decimal: short markup, and never "1e-7" or "NaN". */
function num(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : 0;
}
