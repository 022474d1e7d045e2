import { renderChart, type ChartRow } from '../../../src/http/pages/chart';
import { translatorFor } from '../../../src/i18n/translator';

const en = { tr: translatorFor('en') };
const fr = { tr: translatorFor('fr') };

/** The bars of a rendered chart, in order: [flattrs bar, earned bar] per month. */
function bars(markup: string): Array<{ height: number; y: number; fill: string }> {
  return [...markup.matchAll(/<rect x="[^"]*" y="([^"]*)" width="18" height="([^"]*)" fill="([^"]*)"/g)].map((match) => ({
    y: Number(match[1]),
    height: Number(match[2]),
    fill: match[3] ?? '',
  }));
}

function labels(markup: string): string[] {
  return [...markup.matchAll(/<text [^>]*text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
}

function expectWellFormed(markup: string): void {
  expect(markup).toMatch(/^<svg id="chart" class="chart" role="img" aria-labelledby="chart-title"/);
  expect(markup).toContain('<title id="chart-title">');
  expect(markup.endsWith('</svg>')).toBe(true);
  expect(markup).not.toMatch(/NaN|Infinity|undefined|style=|<script/i);
  // Every number in the geometry is a plain decimal.
  for (const match of markup.matchAll(/ (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"/g)) {
    expect(match[1]).toMatch(/^-?[0-9]+(\.[0-9])?$/);
  }
}

describe('renderChart', () => {
  test('empty data: an accessible picture that says there is nothing yet', () => {
    const markup = renderChart([], en).markup;
    expectWellFormed(markup);
    expect(markup).toContain('No flattrs or earnings yet');
    expect(bars(markup)).toEqual([]);
  });

  test('one month: both bars at full height, the month as axis label, the scales named', () => {
    const markup = renderChart([{ period: '2026-03', flattrs: 3, earned: 150_000_000n }], { ...en, ticker: 'DOGE' }).markup;
    expectWellFormed(markup);
    expect(bars(markup).map((bar) => bar.height)).toEqual([160, 160]);
    expect(labels(markup)).toEqual(['2026-03']);
    expect(markup).toContain('1.5\u00a0DOGE');
    expect(markup).toContain('<title>2026-03: 3 flattrs</title>');
    expect(markup).toContain('<title>2026-03: 1.5\u00a0DOGE earned</title>');
    expect(markup).toContain('Earned in DOGE (right scale)');
  });

  test('several months: bars in proportion to the largest month, labels in order', () => {
    const rows: ChartRow[] = [
      { period: '2026-01', flattrs: 4, earned: 0n },
      { period: '2026-02', flattrs: 2, earned: 100n },
      { period: '2026-03', flattrs: 0, earned: 400n },
    ];
    const markup = renderChart(rows, en).markup;
    expectWellFormed(markup);
    expect(bars(markup).map((bar) => bar.height)).toEqual([160, 0, 80, 40, 0, 160]);
    // Bars stand on the same baseline.
    for (const bar of bars(markup)) expect(bar.y + bar.height).toBe(196);
    expect(labels(markup)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(markup).toContain('<title>2026-02: 2 flattrs</title>');
    expect(markup).toContain('<title>2026-01: 4 flattrs</title>');
  });

  test('many months stay readable: the picture widens instead of squeezing the bars', () => {
    const rows = Array.from({ length: 24 }, (_, i) => ({ period: `20${String(24 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, '0')}`, flattrs: i, earned: BigInt(i) }));
    const markup = renderChart(rows, en).markup;
    expectWellFormed(markup);
    expect(labels(markup)).toHaveLength(24);
    const width = Number(/viewBox="0 0 ([0-9.]+) /.exec(markup)?.[1]);
    expect(width).toBeGreaterThanOrEqual(24 * 56);
  });

  test('bigint amounts above 2^53 keep their proportions and print exactly', () => {
    const huge = 2n ** 60n + 1n;
    const markup = renderChart(
      [
        { period: '2026-01', flattrs: 1, earned: huge },
        { period: '2026-02', flattrs: 1, earned: huge / 2n },
        { period: '2026-03', flattrs: 1, earned: 1n },
      ],
      { ...en, ticker: 'DOGE' },
    ).markup;
    expectWellFormed(markup);
    expect(bars(markup).map((bar) => bar.height)).toEqual([160, 160, 160, 80, 160, 0]);
    // 2^60 + 1 koinu = 11529215046.06846977 coins, every digit kept.
    expect(markup).toContain('11,529,215,046.06846977\u00a0DOGE');
  });

  test('negative or non-finite inputs draw as nothing rather than breaking the picture', () => {
    const markup = renderChart([
      { period: '2026-01', flattrs: Number.NaN, earned: -5n },
      { period: '2026-02', flattrs: -3, earned: 0n },
    ], en).markup;
    expectWellFormed(markup);
    expect(bars(markup).map((bar) => bar.height)).toEqual([0, 0, 0, 0]);
  });

  test('labels, ticker and title are escaped', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const markup = renderChart([{ period: hostile, flattrs: 1, earned: 1n }], { ...en, ticker: '<b>', title: 'A & B <i>' }).markup;
    expectWellFormed(markup);
    expect(markup).not.toContain('<script>');
    expect(markup).not.toContain('<b>');
    expect(markup).not.toContain('<i>');
    expect(markup).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(markup).toContain('<title id="chart-title">A &amp; B &lt;i&gt;</title>');
    expect(markup).toContain('&lt;b&gt;');
  });

  test("speaks the page's language: French words, amounts as Intl writes them, a legend that fits", () => {
    const markup = renderChart([{ period: '2026-03', flattrs: 1, earned: 123_450_000_000n }], { ...fr, ticker: 'DOGE' }).markup;
    expectWellFormed(markup);
    expect(markup).toContain('<title id="chart-title">Flattrs et gains par mois</title>');
    expect(markup).toContain('<title>2026-03 : 1 flattr</title>');
    expect(markup).toContain('<title>2026-03 : 1\u202f234,5\u00a0DOGE gagnés</title>');
    expect(markup).toContain('>Gains en DOGE (échelle de droite)</text>');
    // The second legend entry starts after the first one's text and ends inside the picture.
    const width = Number(/viewBox="0 0 ([0-9.]+) /.exec(markup)?.[1]);
    const [first, second] = [...markup.matchAll(/<text x="([0-9.]+)" y="18"[^>]*>([^<]*)<\/text>/g)].map((match) => ({ x: Number(match[1]), text: match[2] ?? '' }));
    expect(second?.x).toBeGreaterThan((first?.x ?? 0) + (first?.text.length ?? 0) * 6);
    expect((second?.x ?? 0) + (second?.text.length ?? 0) * 6).toBeLessThanOrEqual(width);
  });
});
