// Rates as a one-line chart: each value a block scaled to the largest shown, so a row's shape
// reads at a glance whatever its speed. Unknown values (before the second sample, a counter
// reset) are blanks; zero is the lowest block, so an idle link still draws a line.

const BLOCKS = '▁▂▃▄▅▆▇█';
const ASCII = '_.-:=+*#';

/** The last `width` values as exactly `width` columns (padded on the left while history is short). */
export function sparkline(values: ReadonlyArray<number | null>, width: number, ascii: boolean): string {
  if (width <= 0) return '';
  const glyphs = ascii ? ASCII : BLOCKS;
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown.map((v) => v ?? 0));
  const cells = shown.map((v) => {
    if (v === null) return ' ';
    if (max <= 0) return glyphs[0]!;
    return glyphs[Math.min(glyphs.length - 1, Math.round((v / max) * (glyphs.length - 1)))]!;
  });
  return ' '.repeat(width - cells.length) + cells.join('');
}
