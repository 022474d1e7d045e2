/** Plain-text tables for terminal reports: columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>, rightAligned: ReadonlySet<number> = new Set()): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) => row.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd())
    .join('\n');
}
