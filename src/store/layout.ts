// Screen geometry from the terminal size: the same numbers drive the windowed tree (how many
// rows fit, how far PgDn goes) and the components. Below the minimum a clear message is shown.

export const MIN = { columns: 60, rows: 16 };

export interface Layout {
  tooSmall: boolean;
  /** Tree beside details (wide terminals) or above them. */
  wide: boolean;
  /** Rows of the list part of the tree pane (its title line excluded). */
  treeRows: number;
  treeWidth: number;
  detailsWidth: number;
  detailsRows: number;
  /** Rows between the status line and the bottom bars. */
  mainRows: number;
}

export function layout(size: { columns: number; rows: number }): Layout {
  const tooSmall = size.columns < MIN.columns || size.rows < MIN.rows;
  const mainRows = Math.max(1, size.rows - 3); // status line, flash/legend line, hint bar
  const wide = size.columns >= 110;
  if (wide) {
    const treeWidth = Math.floor(size.columns * 0.58);
    return { tooSmall, wide, treeRows: mainRows - 1, treeWidth, detailsWidth: size.columns - treeWidth - 1, detailsRows: mainRows, mainRows };
  }
  const detailsRows = Math.min(10, Math.max(6, Math.floor(mainRows * 0.4)));
  return { tooSmall, wide, treeRows: Math.max(1, mainRows - detailsRows - 1), treeWidth: size.columns, detailsWidth: size.columns, detailsRows, mainRows };
}
