/**
 * Human-readable numbers and tables for progress lines and summaries.
 */

/**
 * Bytes as `12.3 MB` (powers of 1000, like `ls -h --si`; MiB would surprise rate readers).
 *
 * @param n - bytes.
 * @returns the text.
 * @example
 * ```ts
 * formatBytes(1_234_567) // '1.23 MB'
 * ```
 */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toPrecision(3)} ${units[i]}`;
}

/**
 * An integer with thousands separators: `1,234,567`.
 *
 * @param n - the number.
 * @returns the text.
 */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * Seconds as `1:02:03` or `2:03`.
 *
 * @param seconds - the duration.
 * @returns the text (`--:--` when unknown).
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A table cell: text, or a number (right-aligned, thousands separators). */
export type Cell = string | number | null | undefined;

/**
 * Formats rows as an aligned plain-text table with a header rule.
 *
 * @param headers - column titles.
 * @param rows - the cells; numbers are right-aligned.
 * @returns the table, lines joined by `\n`.
 * @example
 * ```ts
 * formatTable(['reason', 'removed'], [['lang', 12], ['gopher', 3]])
 * ```
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return Number.isInteger(c) ? formatCount(c) : String(Number(c.toPrecision(6)));
  return c;
}
