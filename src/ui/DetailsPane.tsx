// Details of the selected row: ids, names, driver, link, reset, NUMA, SR-IOV, VMs, verdict. The
// pane is as tall as its lines (up to half the screen); what does not fit is one key away (i).
import { Box } from 'ink';
import { useScreen } from './store-context.tsx';
import { T, fit, g, titleRule, useLook } from './Styled.tsx';

export function DetailsPane() {
  const { ascii } = useLook();
  const { L, details } = useScreen();
  const width = L.detailsWidth;
  const rule = g(ascii, '─', '-');
  const room = L.detailsRows - 1;
  const shown =
    details.length > room
      ? [
          ...details.slice(0, room - 1),
          { text: `... ${details.length - room + 1} more lines: i shows them all`, colour: 'gray' as const },
        ]
      : details;
  return (
    <Box flexDirection="column" width={width} height={L.detailsRows}>
      <T bold>{titleRule(`${rule}${rule} Details`, width, rule)}</T>
      {shown.map((l, i) => (
        <T key={i} c={l.colour} bold={l.bold}>
          {fit(` ${l.text}`, width)}
        </T>
      ))}
    </Box>
  );
}
