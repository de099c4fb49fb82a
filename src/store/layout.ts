// Screen geometry from the terminal size: the same numbers drive the windowed tree (how many
// rows fit, how far PgDn goes) and the components. Below the minimum a clear message is shown.
// Stacked (narrow) terminals size the details pane to what it shows, up to half the screen; the
// tree takes the rest. Without a line count the details are taken at that cap, which gives the
// fewest tree rows: the store keeps the cursor within those, so it is in view whatever the size.

export const MIN = { columns: 60, rows: 16 };

export interface Layout {
  tooSmall: boolean;
  /** Tree beside details (wide terminals) or above them. */
  wide: boolean;
  /** Rows of the list part of the tree pane (its title line excluded). */
  treeRows: number;
  treeWidth: number;
  detailsWidth: number;
  /** Rows of the details pane, its title line included. */
  detailsRows: number;
  /** Rows between the status line and the bottom bars. */
  mainRows: number;
}

/** Most rows the stacked details pane takes (title included). */
export const detailsCap = (mainRows: number) => Math.max(4, Math.floor(mainRows / 2));

export function layout(size: { columns: number; rows: number }, detailsLines?: number): Layout {
  const tooSmall = size.columns < MIN.columns || size.rows < MIN.rows;
  const mainRows = Math.max(1, size.rows - 3); // status line, flash/legend line, hint bar
  const wide = size.columns >= 110;
  if (wide) {
    const treeWidth = Math.floor(size.columns * 0.58);
    return {
      tooSmall,
      wide,
      treeRows: mainRows - 1,
      treeWidth,
      detailsWidth: size.columns - treeWidth - 1,
      detailsRows: mainRows,
      mainRows,
    };
  }
  const cap = detailsCap(mainRows);
  const detailsRows = detailsLines === undefined ? cap : Math.min(cap, Math.max(2, detailsLines + 1));
  return {
    tooSmall,
    wide,
    treeRows: Math.max(1, mainRows - detailsRows - 1),
    treeWidth: size.columns,
    detailsWidth: size.columns,
    detailsRows,
    mainRows,
  };
}
