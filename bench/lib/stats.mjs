// Small helpers shared by the benchmarks: medians and a plain comparison table.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** rows: arrays of cells; the first row is the header. Numbers are right-aligned. */
export function printTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column] ?? '').length)));
  for (const row of rows) {
    const cells = row.map((cell, column) =>
      typeof cell === 'number' || /^[\d.]+x?$/.test(String(cell))
        ? String(cell).padStart(widths[column])
        : String(cell ?? '').padEnd(widths[column]),
    );
    console.log(cells.join('  ').trimEnd());
  }
}

export async function timeAsync(fn) {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}
