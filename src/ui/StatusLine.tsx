// Top line: node, IOMMU state, kernel flags, boot loader, how many changes are staged.
import { Box } from 'ink';
import { cmdlineWords } from '../model/kernel-cmdline.ts';
import { findingsSummary } from '../model/checks.ts';
import { useStore } from 'zustand';
import { monitorStore } from '../store/monitor.ts';
import { useAppState, useAppStore, useColumns, useFindings, useSnapshot } from './store-context.tsx';
import { T, fit, fitLeft, useLook, width } from './Styled.tsx';

export function StatusLine() {
  const snap = useSnapshot();
  const staged = useAppState((s) => s.intents.length);
  const host = useAppState((s) => s.host);
  const findings = useFindings();
  const columns = useColumns();
  // Primitives, not the alerts list: a sample every second must not redraw an unchanged line.
  const monitor = monitorStore(useAppStore());
  const alerts = useStore(monitor, (m) => m.state?.alerts.length ?? 0);
  const firstAlert = useStore(monitor, (m) => m.state?.alerts[0]?.message ?? '');
  const flags =
    cmdlineWords(snap.iommu.cmdline)
      .filter((w) => /iommu|acs_override|vfio/.test(w))
      .join(' ') || 'no IOMMU flags';
  // What must never be cut comes first: node (DEMO), IOMMU state, staged count, problems. When
  // the line is too long the boot loader, then the kernel flags are left out (both are in `list`);
  // a root path is shortened from the left (its last folders say which tree it is), or left out.
  const { ascii } = useLook();
  const parts: Array<{ text: string; drop: number }> = [
    { text: `${snap.nodeName}${host.demo ? ' DEMO' : ''}`, drop: 0 },
    { text: `IOMMU ${snap.iommu.enabled ? 'on' : 'OFF'}`, drop: 0 },
    { text: flags, drop: 2 },
    { text: snap.bootloader.kind, drop: 3 },
    { text: `${staged} staged`, drop: 0 },
    ...(findings.length ? [{ text: `${findingsSummary(findings)} (!)`, drop: 0 }] : []),
    ...(snap.notices.length ? [{ text: `${snap.notices.length} notices (p)`, drop: 1 }] : []),
    // The monitor's alerts, in every view: the count always, the first one while there is room.
    ...(alerts
      ? [
          { text: `${ascii ? '!' : '⚠'} ${alerts} alert${alerts > 1 ? 's' : ''} (m)`, drop: 0 },
          { text: firstAlert, drop: 3 },
        ]
      : []),
  ];
  const line = (maxDrop: number) =>
    ` ${parts
      .filter((p) => p.drop === 0 || p.drop < maxDrop)
      .map((p) => p.text)
      .join('  ')}`;
  let text = line(Infinity);
  for (const cut of [3, 2, 1]) if (width(text) > columns) text = line(cut);
  const room = columns - width(text) - ' root '.length;
  const where = host.fixture && !host.demo && room >= 8 ? ` root ${fitLeft(host.root, room, ascii)}` : '';
  return (
    <Box height={1}>
      <T inverse bold>
        {fit(text + where, columns)}
      </T>
    </Box>
  );
}
