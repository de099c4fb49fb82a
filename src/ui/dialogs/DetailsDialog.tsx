// `i`: every detail of the selected row in a dialog that scrolls, for when the pane is too short.
import { selectCursorIndex, selectRows } from '../../store/app-store.ts';
import { wrappedDetails, type ScreenInputs } from '../screen.ts';
import { useScreenInputs } from '../store-context.tsx';
import { ScrollingDialog, helpWidth, type DialogLine } from './ScrollingDialog.tsx';

export function detailsDialogLines(st: ScreenInputs): DialogLine[] {
  return wrappedDetails(st, helpWidth(st.size.columns) - 4);
}

export function DetailsDialog({ height, scroll }: { height: number; scroll: number }) {
  const st = useScreenInputs();
  const row = selectRows(st)[selectCursorIndex(st)];
  const what =
    row?.kind === 'device' ? row.address : row?.kind === 'group' ? `IOMMU group ${row.groupId ?? '(none)'}` : 'Details';
  return (
    <ScrollingDialog
      title={`${what} (Esc or i closes)`}
      lines={detailsDialogLines(st)}
      width={helpWidth(st.size.columns)}
      height={height}
      scroll={scroll}
    />
  );
}
