// Top line: node, IOMMU state, kernel flags, boot loader, how many changes are staged.
import { Box } from 'ink';
import { useStore } from 'zustand';
import { cmdlineWords } from '../model/kernel-cmdline.ts';
import { findingsSummary } from '../model/checks.ts';
import { selectFindings, type AppStore } from '../store/app-store.ts';
import { T, fit, fitLeft, useLook, width } from './Styled.tsx';

export function StatusLine({ store }: { store: AppStore }) {
  const snap = useStore(store, (s) => s.snapshot);
  const staged = useStore(store, (s) => s.intents.length);
  const host = useStore(store, (s) => s.host);
  const findings = useStore(store, selectFindings);
  const columns = useStore(store, (s) => s.size.columns);
  const flags = cmdlineWords(snap.iommu.cmdline).filter((w) => /iommu|acs_override|vfio/.test(w)).join(' ') || 'no IOMMU flags';
  // DEMO goes first: it must survive the cut at 80 columns. A root path is shortened from the
  // left (its last folders say which tree it is), or left out when there is no room at all.
  const { ascii } = useLook();
  const text = ` ${snap.nodeName}${host.demo ? ' DEMO' : ''}  IOMMU ${snap.iommu.enabled ? 'on' : 'OFF'}  ${flags}  ${snap.bootloader.kind}  ${staged} staged${findings.length ? `  ${findingsSummary(findings)} (!)` : ''}${snap.notices.length ? `  ${snap.notices.length} notices (p)` : ''}`;
  const room = columns - width(text) - ' root '.length;
  const where = host.fixture && !host.demo && room >= 8 ? ` root ${fitLeft(host.root, room, ascii)}` : '';
  return (
    <Box height={1}>
      <T inverse bold>{fit(text + where, columns)}</T>
    </Box>
  );
}
