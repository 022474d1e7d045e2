import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/http/metrics';

// docs/alerts.yml must only name metrics (and labels) that kibble exports: a renamed gauge would
// otherwise leave an alert that can never fire, silently.

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const RULES_FILE = join(__dirname, '../../../docs/alerts.yml');
const document = parse(readFileSync(RULES_FILE, 'utf8')) as { groups?: Array<{ name?: unknown; rules?: Rule[] }> };
const rules = (document.groups ?? []).flatMap((group) => group.rules ?? []);

// PromQL words that are not metric names (functions, aggregations, keywords) used by the rules.
const PROMQL_WORDS = new Set(['max', 'min', 'sum', 'avg', 'count', 'by', 'without', 'time', 'increase', 'rate', 'absent', 'and', 'or', 'unless', 'on', 'ignoring', 'bool']);

/** Every exported series name with the labels it may carry (histograms add _bucket, _sum, _count). */
function exportedSeries(): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const metric of createMetrics({ nodeProbe: async () => 1 }).registry.getMetricsAsArray()) {
    const { name, labelNames = [] } = metric as unknown as { name: string; labelNames?: string[] };
    const type = (metric as unknown as { type?: string }).type;
    const names = type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
    for (const seriesName of names) series.set(seriesName, new Set([...labelNames, ...(seriesName.endsWith('_bucket') ? ['le'] : [])]));
  }
  return series;
}

/** The metric selectors of an expression: each name and the label names in its `{...}`. */
function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  // Strings, range durations and grouping clauses hold no metric names.
  const withoutStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without)\s*\([^)]*\)/g, '');
  const found: Array<{ name: string; labels: string[] }> = [];
  for (const match of withoutStrings.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g)) {
    const name = match[1] as string;
    if (PROMQL_WORDS.has(name)) continue;
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((pair) => pair[1] as string);
    found.push({ name, labels });
  }
  return found;
}

/** The label names an expression groups by: `by (a, b)` / `without (a)`. */
function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((match) => (match[1] ?? '').split(',').map((label) => label.trim()).filter((label) => label !== ''));
}

describe('the Prometheus alert rules (docs/alerts.yml)', () => {
  const series = exportedSeries();

  it('has the alerts the operator guide promises, each well formed', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['KibbleScannerLagging', 'KibbleScannerStalled', 'KibbleNodeUnreachable', 'KibbleSettlementFailed', 'KibbleSettlementStuck', 'KibbleCustodyBelowLiabilities']),
    );
    for (const rule of rules) {
      expect(typeof rule.alert).toBe('string');
      expect(typeof rule.expr).toBe('string');
      expect(['warning', 'critical']).toContain(rule.labels?.['severity']);
      expect(typeof rule.annotations?.['summary']).toBe('string');
      if (rule.for !== undefined) expect(rule.for).toMatch(/^[0-9]+[smh]$/);
    }
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
  });

  it('reads a realistic list of exported series (the check below is not vacuous)', () => {
    expect(series.get('kibble_settlement_last_error')).toEqual(new Set(['period']));
    expect(series.has('kibble_http_request_duration_seconds_bucket')).toBe(true);
    expect(series.has('kibble_process_cpu_user_seconds_total')).toBe(true);
    expect(selectors('max by (period) (foo_total{period="x", state!~"a|b"}[5m]) > 1')).toEqual([{ name: 'foo_total', labels: ['period', 'state'] }]);
  });

  it.each(rules.map((rule) => [String(rule.alert), String(rule.expr)]))('%s names only metrics and labels kibble exports', (_alert, expr) => {
    const used = selectors(expr);
    expect(used.length).toBeGreaterThan(0);
    for (const { name, labels } of used) {
      expect({ name, exported: series.has(name) }).toEqual({ name, exported: true });
      const known = series.get(name) ?? new Set<string>();
      expect(labels.filter((label) => !known.has(label))).toEqual([]);
    }
    const allLabels = new Set(used.flatMap(({ name }) => [...(series.get(name) ?? [])]));
    expect(groupingLabels(expr).filter((label) => !allLabels.has(label))).toEqual([]);
  });
});
