/** A column of {@link formatTable}. */
export interface TableColumn {
  header: string;
  /** Right-align (numbers). @default false */
  alignRight?: boolean;
}

// ANSI colour codes take no room on screen; widths are measured without them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of colour codes is the point
const ANSI_CODES = /\u001b\[[0-9;]*m/g;

/** The on-screen width of `text`, colour codes excluded. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI_CODES, '')].length;
}

/** Pads `text` to `width` visible characters, on the right or (for numbers) on the left. */
export function padCell(text: string, width: number, alignRight = false): string {
  const padding = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return alignRight ? padding + text : text + padding;
}

/** Shortens `text` to at most `width` characters, ending with `…` when cut. */
export function truncateText(text: string, width: number): string {
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  return characters.length <= width
    ? characters.join('')
    : `${characters.slice(0, width - 1).join('')}…`;
}

/**
 * Formats rows as an aligned plain-text table with a header and a rule, two spaces between
 * columns. Cells may contain colour codes.
 *
 * @example
 * ```ts
 * console.log(formatTable([{ header: 'tier' }, { header: 'calls', alignRight: true }], [['HIT_L1', '9']]));
 * ```
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly string[][]): string {
  const widths = columns.map((column, index) =>
    Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[index] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => padCell(cells[index] ?? '', widths[index] ?? 0, column.alignRight))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** Formats milliseconds for people: `312 ms`, `4.2 s`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds >= 10_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  if (milliseconds >= 1_000) return `${(milliseconds / 1000).toFixed(2)} s`;
  return `${milliseconds < 10 ? milliseconds.toFixed(1) : Math.round(milliseconds)} ms`;
}

/** Formats a ratio in [0, 1] as a percentage with no decimals: `0.625` → `63%`. */
export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
