import { loadavg } from 'node:os';

/** A duration for a bench table: two decimals under 10 ms, whole milliseconds above. */
export const formatMs = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));

/**
 * Prints a bench's figures as a plain table, one column per measured month (`after month N`),
 * under a title that ends with the load average now (figures only compare at a known load).
 */
export function printMonthTable(title: string, figures: ReadonlyArray<{ afterMonth: number }>, rows: ReadonlyArray<readonly string[]>): void {
  const table = [['', ...figures.map((row) => `after month ${row.afterMonth}`)], ...rows];
  const widths = table[0]?.map((_, col) => Math.max(...table.map((row) => (row[col] ?? '').length))) ?? [];
  process.stdout.write(`${title}; load average now ${loadavg().map((value) => value.toFixed(1)).join(' ')}\n`);
  for (const row of table) process.stdout.write(`${row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ')}\n`);
}
