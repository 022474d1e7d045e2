// axe-core (Deque's accessibility engine) run inside a page of the browser tests. The engine is
// evaluated through the DevTools protocol, not added as a <script>: the pages' strict CSP refuses
// inline scripts, and it must stay on (a CSP report fails a step).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** WCAG 2.0, 2.1 and 2.2 levels A and AA, and Deque's best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** The CSS selectors of the offending elements, and axe's summary of what to fix. */
  nodes: { target: string; summary: string }[];
}

let source: string | undefined;

/** axe-core's script, for a context's addInitScript (every page then has it, without sending it each time). */
export function axeSource(): string {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/** The violations axe finds in the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof axe === "object"');
  if (loaded !== true) await page.evaluate(axeSource());
  // A string, not a function: there is no DOM lib in tsconfig, and the page has its own globals.
  const run = `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, resultTypes: ['violations'] })
    .then((results) => results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })),
    })))`;
  return page.evaluate<AxeViolation[]>(run);
}

/** One line per violation and element, for a failure message. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map((node) => `${where}: ${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help} at ${node.target}: ${node.summary.replace(/\s+/g, ' ')}`),
  );
}
